package dev.solstice.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solstice.jobrequest.JobRequest;
import dev.solstice.platform.config.S3Settings;
import dev.solstice.simulator.s3.S3TestServer;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The S3 log store against an in-process S3-compatible server. */
class S3LogStoreIT {

  private static S3TestServer s3;
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    s3 = S3TestServer.start();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    s3.stop();
  }

  private static S3Settings settings(String bucket) {
    return StubSettings.fromEnv(s3.env(bucket)).s3();
  }

  @Test
  void prepareCreatesAMissingBucketAndAcceptsAnExistingOne() throws Exception {
    String bucket = "prepare-" + UUID.randomUUID().toString().substring(0, 8);
    try (S3LogStore store = new S3LogStore(vertx, settings(bucket))) {
      store.prepare().await(30, TimeUnit.SECONDS);
      assertThat(s3.bucketExists(bucket)).isTrue();

      store.prepare().await(30, TimeUnit.SECONDS);
      assertThat(s3.bucketExists(bucket)).isTrue();
    }
  }

  @Test
  void uploadStoresTheLogAsPlainTextUnderItsLogPathAndReturnsThePathStyleUrl() throws Exception {
    String bucket = "upload-" + UUID.randomUUID().toString().substring(0, 8);
    JobRequest job = TestJobs.job(List.of("true"), Map.of());
    try (S3LogStore store = new S3LogStore(vertx, settings(bucket))) {
      store.prepare().await(30, TimeUnit.SECONDS);

      String url = store.upload(job, "line one\nline two ✓\n").await(30, TimeUnit.SECONDS);

      String key = "logs/" + job.requestId() + ".log";
      assertThat(url).isEqualTo(s3.endpoint() + "/" + bucket + "/" + key);
      assertThat(s3.readObject(bucket, key)).isEqualTo("line one\nline two ✓\n");
      assertThat(s3.contentType(bucket, key)).startsWith("text/plain");
    }
  }
}
