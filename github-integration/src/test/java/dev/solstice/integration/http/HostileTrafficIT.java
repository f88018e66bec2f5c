package dev.solstice.integration.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.solstice.integration.testing.ServiceHarness;
import dev.solstice.integration.webhook.SignatureVerifier;
import dev.solstice.simulator.github.RecordedWebhooks;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 19, against the packaged service with the deployment's memory flags and 4 s timeouts (long
 * enough for 3,000 connections to be open at once, opened at 1,000 a second on a shared machine):
 * slow connections, header floods, short bodies and pipelining.
 */
class HostileTrafficIT {

  private static final Logger LOG = LoggerFactory.getLogger(HostileTrafficIT.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(4);

  /**
   * A deadline is checked every quarter of the shortest timeout (1 s); the rest is scheduling on a
   * machine shared with other builds (load average 5 to 12 on 2 cores when this was written). On
   * main, every one of these connections was still open after 40 s.
   */
  private static final Duration SLACK = Duration.ofSeconds(4);

  /** The listener's idle timeout: the longest header, body or keep-alive timeout + 30 s. */
  private static final Duration BACKSTOP = TIMEOUT.plusSeconds(30);

  private static HostileService service;
  private static Vertx vertx;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    service =
        HostileService.start(
            Map.of(
                "HTTP_HEADER_TIMEOUT",
                "4s",
                "HTTP_BODY_TIMEOUT",
                "4s",
                "HTTP_KEEP_ALIVE_TIMEOUT",
                "4s",
                "HTTP_MAX_CONNECTIONS",
                "10000",
                "HTTP_MAX_CONNECTIONS_PER_SOURCE",
                "0"));
  }

  @AfterAll
  static void stop() throws Exception {
    service.close();
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  @Test
  void threeThousandSlowConnectionsAreClosedByTheServerWhileSignedPushesAreStillAccepted()
      throws Exception {
    double timeoutsBefore = Math.max(0, service.refused("timeout"));
    Attacks.SlowConnections bodies =
        new Attacks.SlowConnections(
            vertx,
            service.port,
            service.config.webhookPath(),
            1500,
            Attacks.Slowness.BODY,
            Duration.ofSeconds(1),
            false);
    Attacks.SlowConnections headers =
        new Attacks.SlowConnections(
            vertx,
            service.port,
            service.config.webhookPath(),
            1500,
            Attacks.Slowness.HEADERS,
            Duration.ofSeconds(1),
            false);
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  bodies.open() + headers.open() + bodies.closed.size() + headers.closed.size()
                      >= 3000);
      long rampedUp = System.nanoTime();
      // Connected is not yet accepted: wait until the service holds them (a push would otherwise
      // queue in the kernel's accept backlog behind the attack), then push while they all dribble.
      try {
        await()
            .atMost(Duration.ofSeconds(5))
            .until(
                () ->
                    HostileService.sum(service.metrics(), "solstice_http_connections", "")
                            + service.refused("timeout")
                            - timeoutsBefore
                        >= 2900);
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        LOG.warn("the service's gauges did not show the attack within 5 s; pushing anyway");
      }
      int openAtOnce = bodies.open() + headers.open();
      var pushes =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> {
                List<long[]> out = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                  long t0 = System.nanoTime();
                  int status = service.push(UUID.randomUUID().toString());
                  out.add(new long[] {status, (System.nanoTime() - t0) / 1_000_000});
                }
                return out;
              });
      await().atMost(Duration.ofSeconds(40)).until(() -> bodies.open() + headers.open() == 0);
      long allClosedMillis = (System.nanoTime() - rampedUp) / 1_000_000;
      long longest = Math.max(bodies.longestSince(0)[0], headers.longestSince(0)[0]);
      List<long[]> answered = pushes.get(30, java.util.concurrent.TimeUnit.SECONDS);
      double timeouts = service.refused("timeout") - timeoutsBefore;
      LOG.info(
          "slow connections: {} open at once; all {} closed by the server {} ms after the last opened"
              + " (longest lived "
              + longest
              + " ms, "
              + bodies.longestSince(0)[0]
              + " with a slow body);"
              + " pushes during the attack answered {}; refused timeout={}; failed connects {}",
          openAtOnce,
          bodies.closed.size() + headers.closed.size(),
          allClosedMillis,
          answered.stream().map(a -> a[0] + " in " + a[1] + " ms").toList(),
          timeouts,
          bodies.failedConnects() + headers.failedConnects());

      // Opening 3,000 takes about as long as the timeout here: the first ones may be closed
      // already.
      assertThat(openAtOnce).isGreaterThanOrEqualTo(1500);
      // Closed by the connection guard's deadlines, well before the idle-timeout backstop (timeouts
      // + 30 s) would; how fast under load is the hostile soak's figure (docs/hostile-soak.md), not
      // this test's: a loaded 2-core machine adds seconds here.
      assertThat(allClosedMillis)
          .as("all closed after the last opened (ms)")
          .isLessThan(BACKSTOP.toMillis());
      assertThat(bodies.closed.size() + headers.closed.size()).isEqualTo(3000);
      assertThat(answered)
          .allSatisfy(
              a -> {
                assertThat(a[0]).as("status").isEqualTo(202);
                // accepted during the attack, not starved behind it; the latency figure is the
                // soak's
                assertThat(a[1]).as("answered in ms").isLessThan(10_000);
              });
      assertThat(timeouts).isGreaterThanOrEqualTo(3000);
      assertThat(service.process.isAlive()).isTrue();
    } finally {
      bodies.close();
      headers.close();
    }
  }

  @Test
  void headerFloodsAreRefusedAndClosed() throws Exception {
    StringBuilder many = new StringBuilder("GET /health/live HTTP/1.1\r\nHost: x\r\n");
    for (int i = 0; i < 2000; i++) {
      many.append("X-Flood-").append(i).append(": v\r\n");
    }
    String huge =
        "GET /health/live HTTP/1.1\r\nHost: x\r\nX-Huge: " + "h".repeat(100_000) + "\r\n\r\n";
    String longLine = "GET /" + "u".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n";

    String manyAnswer =
        Attacks.raw(
            service.port,
            many.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1),
            Duration.ofSeconds(5));
    String hugeAnswer =
        Attacks.raw(
            service.port, huge.getBytes(StandardCharsets.ISO_8859_1), Duration.ofSeconds(5));
    String lineAnswer =
        Attacks.raw(
            service.port, longLine.getBytes(StandardCharsets.ISO_8859_1), Duration.ofSeconds(5));
    LOG.info(
        "header floods: many headers -> {}; huge header -> {}; long request line -> {}",
        firstLine(manyAnswer),
        firstLine(hugeAnswer),
        firstLine(lineAnswer));

    assertThat(manyAnswer).startsWith("HTTP/1.1 431").doesNotContain("still open");
    assertThat(hugeAnswer).startsWith("HTTP/1.1 431").doesNotContain("still open");
    assertThat(lineAnswer).matches("(?s)HTTP/1\\.[01] (414|400) .*").doesNotContain("still open");
    assertThat(service.status("/health/live")).isEqualTo(200);
  }

  @Test
  void aBodyShorterThanItsContentLengthIsClosedAfterTheBodyTimeout() throws Exception {
    byte[] body = RecordedWebhooks.payload("push.json");
    String head =
        "POST "
            + service.config.webhookPath()
            + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + "X-GitHub-Event: push\r\nX-GitHub-Delivery: "
            + UUID.randomUUID()
            + "\r\n"
            + SignatureVerifier.HEADER
            + ": "
            + SignatureVerifier.sign(ServiceHarness.SECRET, body)
            + "\r\n"
            + "Content-Length: "
            + (body.length + 100)
            + "\r\n\r\n";
    byte[] request =
        (head + new String(body, StandardCharsets.ISO_8859_1))
            .getBytes(StandardCharsets.ISO_8859_1);
    long t0 = System.nanoTime();
    String answer = Attacks.raw(service.port, request, TIMEOUT.plus(SLACK).plusSeconds(2));
    long millis = (System.nanoTime() - t0) / 1_000_000;
    LOG.info("short body: {} after {} ms", firstLine(answer), millis);

    assertThat(answer).startsWith("HTTP/1.1 408").doesNotContain("still open");
    assertThat(millis).isBetween(TIMEOUT.toMillis() - 100, BACKSTOP.toMillis() - 1);
  }

  @Test
  void pipelinedRequestsAreEachAnswered() throws Exception {
    byte[] ping = RecordedWebhooks.payload("ping.json");
    StringBuilder pipeline = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      pipeline
          .append("POST ")
          .append(service.config.webhookPath())
          .append(" HTTP/1.1\r\nHost: x\r\n")
          .append("Content-Type: application/json\r\nX-GitHub-Event: ping\r\nX-GitHub-Delivery: ")
          .append(UUID.randomUUID())
          .append("\r\n")
          .append(SignatureVerifier.HEADER)
          .append(": ")
          .append(SignatureVerifier.sign(ServiceHarness.SECRET, ping))
          .append("\r\nContent-Length: ")
          .append(ping.length)
          .append("\r\n\r\n")
          .append(new String(ping, StandardCharsets.ISO_8859_1));
      pipeline
          .append("GET /health/live HTTP/1.1\r\nHost: x\r\n")
          .append(i == 99 ? "Connection: close\r\n" : "")
          .append("\r\n");
    }
    String answers =
        Attacks.raw(
            service.port,
            pipeline.toString().getBytes(StandardCharsets.ISO_8859_1),
            Duration.ofSeconds(20));
    long ok = Pattern.compile("HTTP/1.1 200").matcher(answers).results().count();
    LOG.info("pipelining: 200 requests on one connection, {} answered 200", ok);

    assertThat(ok).isEqualTo(200);
    assertThat(answers).doesNotContain("still open");
  }

  private static String firstLine(String answer) {
    int nl = answer.indexOf('\r');
    return nl < 0 ? answer : answer.substring(0, nl);
  }
}
