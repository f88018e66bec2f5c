package dev.solstice.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import dev.solstice.jobrequest.JobMessageException;
import dev.solstice.jobrequest.JobRequest;
import dev.solstice.jobrequest.JobResult;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobMessagesTest {

  @Test
  void decodesTheContractsGoldenExample() throws Exception {
    try (InputStream in =
        getClass().getResourceAsStream("/schema/examples/jobrequest.v1.workflow-job.json")) {
      JobRequest request = JobMessages.decode(in.readAllBytes());

      assertThat(request.script()).containsExactly("mvn -B verify", "echo done");
      assertThat(request.logPath()).isEqualTo("/logs/0b6f8a4e-8c2d-5e71-a3b9-7c1d2e4f6a80.log");
    }
  }

  @Test
  void rejectsBytesThatAreNotJson() {
    assertThatThrownBy(() -> JobMessages.decode("not json".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(JobMessageException.class);
  }

  @Test
  void rejectsJsonThatBreaksTheSchemaEvenIfItDecodes() {
    assertThatThrownBy(
            () ->
                JobMessages.decode(
                    "{\"schema_version\":\"jobrequest.v1\"}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(JobMessageException.class)
        .hasMessageContaining("request_id");
  }

  @Test
  void resultPropertiesArePersistentJsonIdentifiedByRequestAndSchema() {
    JobRequest request = TestJobs.job(List.of("true"), Map.of());
    AMQP.BasicProperties properties =
        JobMessages.propertiesOf(JobResult.started(request, Instant.now()), "d-1");

    assertThat(properties.getDeliveryMode()).isEqualTo(2);
    assertThat(properties.getContentType()).isEqualTo("application/json");
    assertThat(properties.getMessageId()).isEqualTo(request.requestId().toString());
    assertThat(properties.getType()).isEqualTo("jobresult.v1");
    assertThat(properties.getHeaders()).containsEntry("x-github-delivery", "d-1");
    assertThat(
            JobMessages.propertiesOf(JobResult.started(request, Instant.now()), null).getHeaders())
        .isEmpty();
  }
}
