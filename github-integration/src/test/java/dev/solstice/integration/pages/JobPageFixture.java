package dev.solstice.integration.pages;

import dev.solstice.integration.core.JobState;
import dev.solstice.integration.execution.RunStore;
import dev.solstice.jobrequest.JobRequest;
import dev.solstice.platform.config.S3Settings;
import dev.solstice.simulator.s3.S3TestServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The job pages on a port of their own, over the machine's Redis (run state) and an in-memory S3
 * (s3proxy): a run of two jobs, {@code build} (succeeded, with a coloured log) and {@code test}
 * (needs build, started, no log yet).
 */
final class JobPageFixture implements AutoCloseable {

  static final String BUCKET = "solstice-logs";
  static final String LOG =
      "Cloning o/r\n\u001b[32mbuild ok\u001b[0m\n\u001b[1;31merror: <b>not</b> bold & red\u001b[0m\ndone\n";

  final Vertx vertx = Vertx.vertx();
  final S3TestServer s3 = S3TestServer.start();
  final Redis redis = Redis.createClient(vertx, "redis://127.0.0.1:6379");
  final RunStore runs =
      RunStore.redis(
          RedisAPI.api(redis),
          "solstice-test-pages-" + UUID.randomUUID() + ":",
          Duration.ofMinutes(5));
  final JobRequest build = job("build", List.of());
  final JobRequest test = job("test", List.of("build"));
  final JobPages pages;
  final HttpServer server;

  JobPageFixture(boolean anonymous) throws Exception {
    s3.createBucket(BUCKET);
    s3.client()
        .putObject(
            b -> b.bucket(BUCKET).key("logs/" + build.requestId() + ".log"),
            RequestBody.fromString(LOG));
    UUID runId = UUID.randomUUID();
    await(
        runs.save(runId, List.of(build, test))
            .compose(v -> runs.setState(runId, "build", JobState.completed("success")))
            .compose(v -> runs.setState(runId, "test", JobState.STARTED)));
    S3Settings bucket =
        new S3Settings(
            s3.endpoint(),
            BUCKET,
            S3TestServer.REGION,
            S3TestServer.ACCESS_KEY,
            S3TestServer.SECRET_KEY);
    pages = new JobPages(vertx, new JobPageSettings(anonymous, null, bucket, false), runs);
    Router router = Router.router(vertx);
    pages.mount(router);
    server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
  }

  private static JobRequest job(String id, List<String> needs) {
    UUID requestId = UUID.randomUUID();
    return JobRequest.builder(
            requestId,
            "https://github.com/octo/hello",
            "c0ffee".repeat(6) + "abcd",
            Instant.parse("2026-12-07T18:00:00Z"))
        .repository("octo/hello")
        .ref("refs/heads/main")
        .event("push")
        .workflow(".solstice/ci.kdl", id)
        .runsOn("linux-x64")
        .needs(needs)
        .logPath("/logs/" + requestId + ".log")
        .build();
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.actualPort() + path;
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    pages.close();
    await(server.close());
    redis.close();
    s3.close();
    await(vertx.close());
  }
}
