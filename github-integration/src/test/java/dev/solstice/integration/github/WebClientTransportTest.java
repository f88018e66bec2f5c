package dev.solstice.integration.github;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The transport's connection pool, against a local server that answers only when told to. */
class WebClientTransportTest {

  private Vertx vertx;
  private HttpServer server;
  private final List<HttpServerRequest> held = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final AtomicInteger arrived = new AtomicInteger();

  @BeforeEach
  void startServer() {
    vertx = Vertx.vertx();
    server =
        vertx
            .createHttpServer()
            .requestHandler(
                request -> {
                  held.add(request); // answered by the test, once it counted them
                  arrived.incrementAndGet();
                })
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .join();
  }

  @AfterEach
  void stop() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void makesMoreThanVertxDefaultFiveCallsToOneHostAtOnce() {
    WebClientTransport transport = new WebClientTransport(vertx);
    int calls = 20;
    List<Future<GitHubTransport.Response>> sent = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      sent.add(
          transport.send(
              new GitHubTransport.Request(
                  HttpMethod.GET,
                  "http://127.0.0.1:" + server.actualPort() + "/repos/o/r/contents/x" + i,
                  MultiMap.caseInsensitiveMultiMap(),
                  null,
                  Duration.ofSeconds(30))));
    }

    // With Vert.x's default pool (5 per host) only 5 would arrive until one of them is answered.
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> arrived.get() == calls);
    vertx.runOnContext(v -> held.forEach(r -> r.response().end("{}")));
    assertThat(Future.all(sent).toCompletionStage()).succeedsWithin(Duration.ofSeconds(20));
  }
}
