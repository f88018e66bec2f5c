package dev.solstice.jobrequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class JobContractTest {

  static Stream<Path> examples() throws IOException, URISyntaxException {
    Path dir = Path.of(JobContractTest.class.getResource("/schema/examples").toURI());
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> list = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
      assertThat(list).as("golden examples").hasSizeGreaterThanOrEqualTo(4);
      return list.stream();
    }
  }

  @ParameterizedTest
  @MethodSource("examples")
  void everyGoldenExampleValidatesAgainstItsSchema(Path example) throws IOException {
    String json = Files.readString(example);
    List<String> problems =
        isRequest(example)
            ? JobSchemas.validateRequest(json)
            : isCancel(example) ? JobSchemas.validateCancel(json) : JobSchemas.validateResult(json);
    assertThat(problems).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("examples")
  void recordsRoundTripEveryGoldenExample(Path example) throws IOException {
    byte[] original = Files.readAllBytes(example);
    byte[] reencoded =
        isRequest(example)
            ? JobCodec.encode(JobCodec.decodeRequest(original))
            : isCancel(example)
                ? JobCodec.encode(JobCodec.decodeCancel(original))
                : JobCodec.encode(JobCodec.decodeResult(original));
    assertThat(tree(reencoded)).isEqualTo(tree(original));
  }

  @Test
  void readerIgnoresUnknownFields() throws IOException {
    ObjectNode node = (ObjectNode) tree(example("jobrequest.v1.minimal.json"));
    node.put("added_in_a_later_minor", "x");
    node.putObject("nested_unknown").put("a", 1);
    JobRequest request = JobCodec.decodeRequest(JobCodec.mapper().writeValueAsBytes(node));
    assertThat(request.requestId())
        .isEqualTo(UUID.fromString("5f0c2a6e-3b1d-5a8e-9c4f-1d2e3f4a5b6c"));
    assertThat(JobSchemas.validateRequest(node.toString())).isEmpty();
  }

  @Test
  void writerAlwaysEmitsTheFieldsExistingConsumersRelyOn() throws IOException {
    JobRequest request =
        JobRequest.builder(
                UUID.randomUUID(),
                "https://github.com/o/r.git",
                "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
                Instant.parse("2026-11-25T10:15:30Z"))
            .build();
    JsonNode node = tree(JobCodec.encode(request));
    assertThat(node.fieldNames())
        .toIterable()
        .containsExactlyInAnyOrder(
            "schema_version",
            "request_id",
            "source",
            "repo_url",
            "commit_sha",
            "workflow_path",
            "workflow_job_id",
            "runs_on",
            "submitted_at");
    assertThat(node.get("workflow_path").isNull()).isTrue();
    assertThat(node.get("submitted_at").asText()).isEqualTo("2026-11-25T10:15:30Z");
    assertThat(JobSchemas.validateRequest(node.toString())).isEmpty();
  }

  @Test
  void schemaRejectsWhatConsumersCannotUse() throws IOException {
    ObjectNode node = (ObjectNode) tree(example("jobrequest.v1.workflow-job.json"));
    node.put("commit_sha", "main");
    node.remove("submitted_at");
    node.put("request_id", "not-a-uuid");
    assertThat(JobSchemas.validateRequest(node.toString()))
        .hasSize(3)
        .anySatisfy(p -> assertThat(p).contains("commit_sha"))
        .anySatisfy(p -> assertThat(p).contains("submitted_at"))
        .anySatisfy(p -> assertThat(p).contains("request_id"));
  }

  @Test
  void completedResultWithoutConclusionIsInvalid() throws IOException {
    ObjectNode node = (ObjectNode) tree(example("jobresult.v1.completed.json"));
    node.remove("conclusion");
    assertThat(JobSchemas.validateResult(node.toString())).isNotEmpty();
    assertThatThrownBy(
            () -> JobCodec.decodeResult(node.toString().getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(JobMessageException.class)
        .hasMessageContaining("conclusion");
  }

  @Test
  void decodingGarbageIsAJobMessageException() {
    assertThatThrownBy(() -> JobCodec.decodeRequest("{not json".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(JobMessageException.class);
  }

  @Test
  void resultEchoesTheRoutingFactsOfItsRequest() throws IOException {
    JobRequest request = JobCodec.decodeRequest(example("jobrequest.v1.workflow-job.json"));
    JobResult result =
        JobResult.completed(
            request,
            Conclusion.TIMED_OUT,
            Instant.EPOCH,
            Instant.EPOCH.plusSeconds(5),
            "took too long",
            null,
            null,
            List.of());
    JsonNode node = tree(JobCodec.encode(result));
    assertThat(node.get("conclusion").asText()).isEqualTo("timed_out");
    assertThat(node.get("check_run_id").asLong()).isEqualTo(4);
    assertThat(node.get("repository").asText()).isEqualTo("Codertocat/Hello-World");
    assertThat(JobSchemas.validateResult(node.toString())).isEmpty();
    assertThat(request.env()).isEqualTo(Map.of("CI", "true", "JAVA_VERSION", "17"));
  }

  @Test
  void cancelOfARequestNamesItAndValidates() throws IOException {
    JobRequest request = JobCodec.decodeRequest(example("jobrequest.v1.workflow-job.json"));
    JobCancel cancel =
        JobCancel.superseded(
            request,
            "ec26c3e57ca3a959ca5aad62de7213c562f8c821",
            Instant.parse("2026-11-25T10:17:02Z"));
    JsonNode node = tree(JobCodec.encode(cancel));
    assertThat(node.get("request_id").asText()).isEqualTo(request.requestId().toString());
    assertThat(node.get("reason").asText()).isEqualTo("superseded");
    assertThat(node.get("check_run_id").asLong()).isEqualTo(4);
    assertThat(JobSchemas.validateCancel(node.toString())).isEmpty();
    assertThat(cancel.messageId())
        .isEqualTo(JobCancel.superseded(request, "0".repeat(40), Instant.EPOCH).messageId())
        .isNotEqualTo(request.requestId());
    ObjectNode bad = (ObjectNode) node;
    bad.remove("reason");
    bad.put("request_id", "x");
    assertThat(JobSchemas.validateCancel(bad.toString())).hasSize(2);
  }

  @Test
  void cancelFlowIsDerivedFromTheJobFlow() {
    var cancels =
        dev.solstice.jobrequest.amqp.QueueTopology.cancelsOf(
            dev.solstice.jobrequest.amqp.QueueTopology.JOBS);
    assertThat(cancels.exchange()).isEqualTo("solstice.jobs");
    assertThat(cancels.routingKey()).isEqualTo("jobcancel.v1");
    assertThat(cancels.queue()).isEqualTo("solstice.jobs.v1.cancel");
    assertThat(cancels.deadLetterQueue()).isEqualTo("solstice.jobs.v1.cancel.dlq");
  }

  private static boolean isCancel(Path example) {
    return example.getFileName().toString().startsWith("jobcancel.");
  }

  private static boolean isRequest(Path example) {
    return example.getFileName().toString().startsWith("jobrequest.");
  }

  private static byte[] example(String name) throws IOException {
    try (InputStream in = JobContractTest.class.getResourceAsStream("/schema/examples/" + name)) {
      return in.readAllBytes();
    }
  }

  private static JsonNode tree(byte[] json) throws IOException {
    return JobCodec.mapper().readTree(json);
  }

  // Issue 13: the job's GitHub access.

  @Test
  void jobRequestToStringNeverShowsTheJobToken() throws IOException {
    JobRequest request = JobCodec.decodeRequest(example("jobrequest.v1.gateway.json"));
    assertThat(request.github().token()).startsWith("sjt_");
    assertThat(request.toString()).doesNotContain(request.github().token()).contains("token=***");
  }

  @Test
  void githubObjectWithATokenButNoGatewayUrlIsInvalid() throws IOException {
    ObjectNode node = (ObjectNode) tree(example("jobrequest.v1.gateway.json"));
    ((ObjectNode) node.get("github")).remove("api_url");
    assertThat(JobSchemas.validateRequest(node.toString())).isNotEmpty();
    ((ObjectNode) node.get("github")).put("api_url", "http://gw");
    ((ObjectNode) node.get("github")).putObject("permissions").put("administration", "write");
    assertThat(JobSchemas.validateRequest(node.toString())).isNotEmpty();
  }
}
