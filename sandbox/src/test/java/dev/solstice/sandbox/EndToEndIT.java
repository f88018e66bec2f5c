package dev.solstice.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import dev.solstice.integration.github.sim.GitHubSimulator;
import dev.solstice.integration.testing.Fixtures;
import dev.solstice.integration.testing.ServiceHarness;
import dev.solstice.integration.testing.TestBroker;
import dev.solstice.integration.webhook.SignatureVerifier;
import dev.solstice.jobrequest.JobCodec;
import dev.solstice.jobrequest.JobRequest;
import dev.solstice.jobrequest.JobSchemas;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The product end to end, over the real RabbitMQ, the GitHub simulator (real HTTP, JWT and token
 * checks, request bodies validated against GitHub's OpenAPI description) and an S3 server: webhook →
 * JobRequests → check runs → orchestrator stub → JobResults → completed check runs, logs in S3.
 */
class EndToEndIT {

  private static Vertx vertx;
  private static Path workDir;
  private final ObjectMapper json = new ObjectMapper();
  private SandboxStack stack;
  private TestBroker broker;
  private WebClient http;

  @BeforeAll
  static void vertx() throws Exception {
    vertx = Vertx.vertx();
    workDir = Files.createTempDirectory("solstice-e2e");
  }

  @AfterAll
  static void close() {
    vertx.close();
  }

  @BeforeEach
  void start() throws Exception {
    Map<String, String> env = ServiceHarness.isolatedEnv(Map.of("RUNS_ON_DEFAULT", "fallback-label"));
    stack = SandboxStack.start(vertx, env, workDir);
    broker = new TestBroker();
    broker.track(stack.config().jobs());
    broker.track(stack.config().results());
    broker.track(stack.config().intake());
    for (Duration d : stack.config().retryDelays()) {
      broker.trackQueue(dev.solstice.integration.amqp.Topology.delayQueueName(stack.config().intake(), d));
      broker.trackQueue(dev.solstice.integration.amqp.Topology.delayQueueName(stack.config().results(), d));
    }
    await().atMost(Duration.ofSeconds(20)).until(stack.service()::isReady);
    http = WebClient.create(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    http.close();
    stack.close();
    broker.close();
  }

  private GitHubSimulator github() {
    return stack.github();
  }

  private int post(String event, byte[] body) throws Exception {
    return http.post(stack.service().httpPort(), "127.0.0.1", "/webhooks/github")
        .putHeader("Content-Type", "application/json")
        .putHeader("X-GitHub-Event", event)
        .putHeader("X-GitHub-Delivery", UUID.randomUUID().toString())
        .putHeader("X-Hub-Signature-256", SignatureVerifier.sign(ServiceHarness.SECRET, body))
        .sendBuffer(Buffer.buffer(body)).toCompletionStage().toCompletableFuture().get().statusCode();
  }

  /** Reads the queued JobRequests without taking them: they go back when the channel closes. */
  private List<JobRequest> peekJobs(int expected) throws Exception {
    String queue = stack.config().jobs().queue();
    await().atMost(Duration.ofSeconds(20)).until(() -> broker.count(queue) >= expected);
    List<JobRequest> jobs = new ArrayList<>();
    try (Channel ch = broker.channel().getConnection().createChannel()) {
      for (GetResponse r = ch.basicGet(queue, false); r != null; r = ch.basicGet(queue, false)) {
        assertThat(JobSchemas.validateRequest(new String(r.getBody(), StandardCharsets.UTF_8))).isEmpty();
        jobs.add(JobCodec.decodeRequest(r.getBody()));
      }
    }
    return jobs;
  }

  private List<JsonObject> runs(String sha) {
    return github().checkRuns(SandboxStack.REPO).stream().filter(r -> sha.equals(r.getString("head_sha"))).toList();
  }

  private JsonObject run(String sha, String name) {
    return runs(sha).stream().filter(r -> name.equals(r.getString("name"))).findFirst().orElseThrow();
  }

  @Test
  void pushOfAThreeJobWorkflowQueuesThreeJobsAndCompletesThreeCheckRuns() throws Exception {
    assertThat(post("push", Fixtures.webhook("push.json"))).isEqualTo(202);

    List<JobRequest> jobs = peekJobs(3);
    assertThat(jobs).hasSize(3);
    Map<String, JobRequest> byId = jobs.stream().collect(Collectors.toMap(JobRequest::workflowJobId, j -> j));
    assertThat(byId.keySet()).containsExactlyInAnyOrder("lint", "build", "test");
    assertThat(byId.get("lint").runsOn()).isEqualTo("small");
    assertThat(byId.get("build").runsOn()).isEqualTo("linux-x64");
    assertThat(byId.get("build").script()).containsExactly("echo building", "echo built");
    assertThat(byId.get("build").timeoutSeconds()).isEqualTo(600);
    assertThat(byId.get("test").needs()).containsExactly("build");
    assertThat(byId.get("test").env()).containsEntry("CI", "true");
    for (JobRequest job : jobs) {
      assertThat(job.commitSha()).isEqualTo(SandboxStack.PUSH_SHA);
      assertThat(job.workflowPath()).isEqualTo(".solstice/workflow.kdl");
      assertThat(job.repository()).isEqualTo(SandboxStack.REPO);
      assertThat(job.installationId()).isEqualTo(SandboxStack.INSTALLATION);
      assertThat(job.checkRunId()).isNotNull();
    }
    List<JsonObject> queued = runs(SandboxStack.PUSH_SHA);
    assertThat(queued).hasSize(3).allSatisfy(r -> assertThat(r.getString("status")).isEqualTo("queued"));
    assertThat(queued).extracting(r -> r.getString("external_id"))
        .containsExactlyInAnyOrderElementsOf(jobs.stream().map(j -> j.requestId().toString()).toList());

    stack.startOrchestrator();

    await().atMost(Duration.ofSeconds(30)).until(() -> runs(SandboxStack.PUSH_SHA).stream()
        .allMatch(r -> "completed".equals(r.getString("status"))));
    assertThat(run(SandboxStack.PUSH_SHA, "Solstice CI / lint").getString("conclusion")).isEqualTo("success");
    assertThat(run(SandboxStack.PUSH_SHA, "Solstice CI / build").getString("conclusion")).isEqualTo("success");
    JsonObject test = run(SandboxStack.PUSH_SHA, "Solstice CI / test");
    assertThat(test.getString("conclusion")).isEqualTo("failure");
    String details = test.getString("details_url");
    assertThat(details).isEqualTo(stack.s3().endpoint() + "/" + SandboxStack.LOG_BUCKET + "/logs/"
        + byId.get("test").requestId() + ".log");
    assertThat(test.getJsonObject("output").getString("text")).contains("echo testing");
    assertThat(stack.s3().readObjectAt(details)).contains("echo testing");
    assertThat(stack.s3().readObjectAt(run(SandboxStack.PUSH_SHA, "Solstice CI / build").getString("details_url")))
        .contains("echo building").contains("echo built");

    // The GitHub bill of one push with three jobs: one token, one contents read, one create per job,
    // one update per reported status (started, completed).
    assertThat(github().mints()).isEqualTo(1);
    assertThat(github().count("repos/get-content")).isEqualTo(1);
    assertThat(github().count("checks/create")).isEqualTo(3);
    assertThat(github().count("checks/update")).isEqualTo(6);
    assertThat(github().count("checks/list-for-ref")).isZero();
    assertThat(github().schemaViolations()).isEmpty();
  }

  @Test
  void pullRequestSynchronizeRunsTheWorkflowOfTheHeadSha() throws Exception {
    stack.startOrchestrator();
    assertThat(post("pull_request", Fixtures.webhook("pull_request.synchronize.json"))).isEqualTo(202);

    await().atMost(Duration.ofSeconds(30)).until(() -> runs(SandboxStack.PR_SHA).size() == 3
        && runs(SandboxStack.PR_SHA).stream().allMatch(r -> "completed".equals(r.getString("status"))));
    assertThat(runs(SandboxStack.PR_SHA)).extracting(r -> r.getString("name"))
        .containsExactlyInAnyOrder("Solstice CI / lint", "Solstice CI / build", "Solstice CI / test");
    assertThat(runs(SandboxStack.PUSH_SHA)).isEmpty();
    assertThat(github().schemaViolations()).isEmpty();
  }

  @Test
  void invalidWorkflowGivesOneFailedCheckRunAnnotatedAtTheLineAndNoJobs() throws Exception {
    String sha = "1111111111111111111111111111111111111111";
    github().putFile(SandboxStack.REPO, sha, ".solstice/workflow.kdl",
        "job \"build\" {\n    script \"make\"\n}\njob \"test\" {\n    script \"make test\"\n    needs \"biuld\"\n}\n");
    ObjectNode push = (ObjectNode) json.readTree(Fixtures.webhook("push.json"));
    push.put("after", sha);

    assertThat(post("push", json.writeValueAsBytes(push))).isEqualTo(202);

    await().atMost(Duration.ofSeconds(20)).until(() -> runs(sha).size() == 1);
    JsonObject run = runs(sha).get(0);
    assertThat(run.getString("name")).isEqualTo("Solstice CI / workflow");
    assertThat(run.getString("status")).isEqualTo("completed");
    assertThat(run.getString("conclusion")).isEqualTo("failure");
    assertThat(run.getJsonObject("output").getString("summary")).contains("needs \"biuld\"");
    List<JsonObject> annotations = github().annotations(run.getLong("id"));
    assertThat(annotations).hasSize(1);
    assertThat(annotations.get(0).getString("path")).isEqualTo(".solstice/workflow.kdl");
    assertThat(annotations.get(0).getInteger("start_line")).isEqualTo(6);
    assertThat(annotations.get(0).getString("annotation_level")).isEqualTo("failure");
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
        .until(() -> broker.count(stack.config().jobs().queue()) == 0);
  }

  @Test
  void rerunButtonsEnqueueTheSameCommitAgainWithNewIds() throws Exception {
    assertThat(post("push", Fixtures.webhook("push.json"))).isEqualTo(202);
    Set<UUID> first = peekJobs(3).stream().map(JobRequest::requestId).collect(Collectors.toSet());
    broker.drain(stack.config().jobs().queue());

    ObjectNode suite = (ObjectNode) json.readTree(Fixtures.webhook("check_suite.rerequested.json"));
    ((ObjectNode) suite.get("check_suite")).put("head_sha", SandboxStack.PUSH_SHA);
    ((ObjectNode) suite.at("/check_suite/app")).put("id", github().app().id());
    ((ObjectNode) suite.get("installation")).put("id", SandboxStack.INSTALLATION);
    assertThat(post("check_suite", json.writeValueAsBytes(suite))).isEqualTo(202);

    List<JobRequest> again = peekJobs(3);
    assertThat(again).hasSize(3).allSatisfy(j -> {
      assertThat(j.commitSha()).isEqualTo(SandboxStack.PUSH_SHA);
      assertThat(first).doesNotContain(j.requestId());
    });
    assertThat(runs(SandboxStack.PUSH_SHA)).hasSize(6);
    broker.drain(stack.config().jobs().queue());

    ObjectNode single = (ObjectNode) json.readTree(Fixtures.webhook("check_run.rerequested.json"));
    ObjectNode checkRun = (ObjectNode) single.get("check_run");
    checkRun.put("head_sha", SandboxStack.PUSH_SHA);
    checkRun.put("name", "Solstice CI / build");
    ((ObjectNode) checkRun.get("app")).put("id", github().app().id());
    ((ObjectNode) single.get("repository")).put("full_name", SandboxStack.REPO);
    ((ObjectNode) single.get("repository")).put("clone_url", "https://github.com/Codertocat/Hello-World.git");
    ((ObjectNode) single.get("installation")).put("id", SandboxStack.INSTALLATION);
    assertThat(post("check_run", json.writeValueAsBytes(single))).isEqualTo(202);

    List<JobRequest> one = peekJobs(1);
    assertThat(one).singleElement().satisfies(j -> {
      assertThat(j.workflowJobId()).isEqualTo("build");
      assertThat(j.commitSha()).isEqualTo(SandboxStack.PUSH_SHA);
    });

    // A Re-run of another App's suite is not ours to run.
    ((ObjectNode) suite.at("/check_suite/app")).put("id", 99);
    broker.drain(stack.config().jobs().queue());
    assertThat(post("check_suite", json.writeValueAsBytes(suite))).isEqualTo(202);
    await().atMost(Duration.ofSeconds(10)).until(() -> stack.registry().find("solstice_webhooks_processed")
        .tag("event", "check_suite").counters().stream().mapToDouble(c -> c.count()).sum() >= 2);
    assertThat(broker.count(stack.config().jobs().queue())).isZero();
  }
}
