package dev.solstice.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solstice.jobrequest.JobRequest;
import dev.solstice.platform.config.S3Settings;
import java.net.URI;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class S3LogStoreTest {

  private static final S3Settings S3 =
      new S3Settings(URI.create("http://127.0.0.1:9000"), "solstice-logs", "us-east-1", null, null);

  private static JobRequest.Builder job(UUID id) {
    return JobRequest.builder(id, "https://github.com/o/r.git", TestJobs.SHA, Instant.now());
  }

  @Test
  void keyIsTheLogPathWithoutLeadingSlash() {
    UUID id = UUID.randomUUID();
    assertThat(S3LogStore.objectKey(job(id).logPath("/logs/" + id + ".log").build()))
        .isEqualTo("logs/" + id + ".log");
  }

  @Test
  void keyDefaultsToLogsSlashRequestIdWithoutALogPath() {
    UUID id = UUID.randomUUID();
    assertThat(S3LogStore.objectKey(job(id).build())).isEqualTo("logs/" + id + ".log");
    assertThat(S3LogStore.objectKey(job(id).logPath("/").build())).isEqualTo("logs/" + id + ".log");
  }

  @Test
  void urlIsPathStyleUnderTheEndpointWithEncodedSegments() {
    assertThat(S3LogStore.objectUrl(S3, "logs/a b+c.log"))
        .isEqualTo("http://127.0.0.1:9000/solstice-logs/logs/a%20b%2Bc.log");
  }
}
