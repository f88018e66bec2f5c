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

  @Test
  void requestCarriesThePullRequestContextAndOmitsWhatIsUnknown() throws IOException {
    JobRequest request =
        JobRequest.builder(
                UUID.randomUUID(),
                "https://github.com/o/r.git",
                "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
                Instant.parse("2026-11-25T10:15:30Z"))
            .sender("octocat")
            .pullRequest("main", "f95f852bd8fca8fcc58a9a2d6c842781e32a215e", "feature", "Add x")
            .changedFiles(List.of("src/A.java"), true)
            .build();
    JsonNode node = tree(JobCodec.encode(request));
    assertThat(node.get("sender").asText()).isEqualTo("octocat");
    assertThat(node.get("base_ref").asText()).isEqualTo("main");
    assertThat(node.get("base_sha").asText()).isEqualTo("f95f852bd8fca8fcc58a9a2d6c842781e32a215e");
    assertThat(node.get("head_ref").asText()).isEqualTo("feature");
    assertThat(node.get("pull_request_title").asText()).isEqualTo("Add x");
    assertThat(node.get("changed_files")).hasSize(1);
    assertThat(node.get("changed_files_truncated").asBoolean()).isFalse();
    assertThat(node.has("before")).isFalse();
    assertThat(JobSchemas.validateRequest(node.toString())).isEmpty();
    assertThat(JobCodec.decodeRequest(JobCodec.encode(request))).isEqualTo(request);
  }

  @Test
  void changedFilesAreCappedWithATruncatedFlag() throws IOException {
    List<String> many =
        java.util.stream.IntStream.range(0, JobRequest.MAX_CHANGED_FILES + 500)
            .mapToObj(i -> "src/F" + i + ".java")
            .toList();
    JobRequest capped =
        JobRequest.builder(
                UUID.randomUUID(),
                "https://github.com/o/r.git",
                "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
                Instant.EPOCH)
            .before("0000000000000000000000000000000000000000")
            .changedFiles(many, true)
            .build();
    assertThat(capped.changedFiles()).hasSize(JobRequest.MAX_CHANGED_FILES);
    assertThat(capped.changedFilesTruncated()).isTrue();
    assertThat(
            JobSchemas.validateRequest(new String(JobCodec.encode(capped), StandardCharsets.UTF_8)))
        .isEmpty();
    ObjectNode over = (ObjectNode) tree(JobCodec.encode(capped));
    over.withArray("changed_files").add("one/more");
    assertThat(JobSchemas.validateRequest(over.toString())).hasSize(1);
    ObjectNode flagless = (ObjectNode) tree(example("jobrequest.v1.push-context.json"));
    flagless.remove("changed_files_truncated");
    assertThat(JobSchemas.validateRequest(flagless.toString()))
        .singleElement()
        .satisfies(p -> assertThat(p).contains("changed_files_truncated"));
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

  @ParameterizedTest
  @MethodSource("examples")
  void toBuilderCopiesEveryFieldAndWithCheckRunIdChangesOnlyThatOne(Path example)
      throws IOException {
    if (!isRequest(example)) {
      return;
    }
    JobRequest request = JobCodec.decodeRequest(Files.readAllBytes(example));
    assertThat(request.toBuilder().build()).isEqualTo(request);
    ObjectNode expected = (ObjectNode) tree(JobCodec.encode(request));
    expected.put("check_run_id", 4242);
    assertThat(tree(JobCodec.encode(request.withCheckRunId(4242L)))).isEqualTo(expected);
  }

  @Test
  void annotationsUseTheSchemasSnakeCaseNames() throws IOException {
    JobRequest request =
        JobRequest.builder(
                UUID.randomUUID(), "https://github.com/a/b.git", "a".repeat(40), Instant.EPOCH)
            .build();
    JobResult.Annotation annotation =
        new JobResult.Annotation(
            "src/Main.java", 3, 5, JobResult.Annotation.Level.WARNING, "unused", "lint");
    JobResult result =
        JobResult.completed(
            request,
            Conclusion.FAILURE,
            Instant.EPOCH,
            Instant.EPOCH,
            "1 warning",
            null,
            null,
            List.of(annotation));
    byte[] json = JobCodec.encode(result);
    assertThat(JobSchemas.validateResult(tree(json).toString())).isEmpty();
    assertThat(tree(json).path("annotations").get(0))
        .isEqualTo(
            tree(
                ("{\"path\":\"src/Main.java\",\"line\":3,\"end_line\":5,\"level\":\"warning\","
                        + "\"message\":\"unused\",\"title\":\"lint\"}")
                    .getBytes(StandardCharsets.UTF_8)));
    assertThat(JobCodec.decodeResult(json)).isEqualTo(result);
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
