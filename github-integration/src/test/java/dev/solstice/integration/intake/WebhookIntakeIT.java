package dev.solstice.integration.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import dev.solstice.integration.core.RequestIds;
import dev.solstice.integration.testing.ServiceHarness;
import dev.solstice.integration.webhook.SignatureVerifier;
import dev.solstice.jobrequest.JobCodec;
import dev.solstice.jobrequest.JobRequest;
import dev.solstice.jobrequest.JobSchemas;
import dev.solstice.simulator.github.GitHubSimulator;
import dev.solstice.simulator.github.RecordedWebhooks;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The walking skeleton over the real broker: signed webhook in, confirmed JobRequest out. */
class WebhookIntakeIT {

  private static Vertx vertx;
  private ServiceHarness harness;
  private final ObjectMapper json = new ObjectMapper();

  @BeforeAll
  static void vertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() {
    vertx.close();
  }

  @BeforeEach
  void start() throws Exception {
    harness =
        ServiceHarness.start(
            vertx, ServiceHarness.isolatedEnv(Map.of("RUNS_ON_DEFAULT", "linux-x64")));
  }

  @AfterEach
  void stop() throws Exception {
    harness.close();
  }

  private String jobsQueue() {
    return harness.config().jobs().queue();
  }

  private List<GetResponse> awaitJobs(int n) throws Exception {
    await().atMost(Duration.ofSeconds(15)).until(() -> harness.broker().count(jobsQueue()) >= n);
    return harness.broker().drain(jobsQueue());
  }

  @Test
  void signedPushBecomesOneConfirmedJobRequestValidAgainstTheSchema() throws Exception {
    byte[] body = RecordedWebhooks.payload("push.json");
    String delivery = UUID.randomUUID().toString();

    var response = harness.post("push", delivery, body);

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(response.bodyAsJsonObject().getString("delivery_id")).isEqualTo(delivery);
    List<GetResponse> jobs = awaitJobs(1);
    assertThat(jobs).hasSize(1);
    GetResponse message = jobs.get(0);
    String text = new String(message.getBody(), StandardCharsets.UTF_8);
    assertThat(JobSchemas.validateRequest(text)).isEmpty();
    JobRequest job = JobCodec.decodeRequest(message.getBody());
    assertThat(job.schemaVersion()).isEqualTo("jobrequest.v1");
    assertThat(job.source()).isEqualTo("github");
    assertThat(job.repoUrl()).isEqualTo("https://github.com/Codertocat/Hello-World.git");
    assertThat(job.commitSha()).isEqualTo("6113728f27ae82c7b1a177c8d03f9e96e0adf246");
    assertThat(job.runsOn()).isEqualTo("linux-x64");
    assertThat(job.workflowPath()).isNull();
    assertThat(job.requestId()).isEqualTo(RequestIds.of(delivery, RequestIds.DEFAULT_JOB));
    AMQP.BasicProperties props = message.getProps();
    assertThat(props.getDeliveryMode()).isEqualTo(2);
    assertThat(props.getContentType()).isEqualTo("application/json");
    assertThat(props.getMessageId()).isEqualTo(job.requestId().toString());
    assertThat(props.getType()).isEqualTo("jobrequest.v1");
    assertThat(props.getHeaders().get("x-github-delivery").toString()).isEqualTo(delivery);
  }

  @Test
  void pullRequestSynchronizeBuildsTheHeadShaFromTheHeadRepository() throws Exception {
    var response =
        harness.post(
            "pull_request",
            UUID.randomUUID().toString(),
            RecordedWebhooks.payload("pull_request.synchronize.json"));

    assertThat(response.statusCode()).isEqualTo(202);
    JobRequest job = JobCodec.decodeRequest(awaitJobs(1).get(0).getBody());
    assertThat(job.commitSha()).isEqualTo("ec26c3e57ca3a959ca5aad62de7213c562f8c821");
    assertThat(job.repoUrl()).isEqualTo("https://github.com/Codertocat/Hello-World.git");
    assertThat(job.pullRequestNumber()).isEqualTo(2);
    assertThat(job.event()).isEqualTo("pull_request");
  }

  @Test
  void badSignatureIs401AndNothingIsQueued() throws Exception {
    byte[] body = RecordedWebhooks.payload("push.json");
    var wrong =
        harness.post(
            "push",
            UUID.randomUUID().toString(),
            body,
            dev.solstice.integration.webhook.SignatureVerifier.sign("not-the-secret", body),
            "application/json");
    var missing =
        harness.post("push", UUID.randomUUID().toString(), body, null, "application/json");

    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(missing.statusCode()).isEqualTo(401);
    assertThat(wrong.bodyAsJsonObject().getString("error")).contains("signature");
    assertThat(harness.broker().count(harness.config().intake().queue())).isZero();
    assertThat(harness.broker().count(jobsQueue())).isZero();
  }

  @Test
  void answersEachKindOfDeliveryAsDocumented() throws Exception {
    assertThat(
            harness
                .post("ping", UUID.randomUUID().toString(), RecordedWebhooks.payload("ping.json"))
                .statusCode())
        .isEqualTo(200);
    assertThat(
            harness
                .post(
                    "push",
                    UUID.randomUUID().toString(),
                    RecordedWebhooks.payload("push.deleted.json"))
                .statusCode())
        .isEqualTo(204);
    assertThat(
            harness
                .post(
                    "pull_request",
                    UUID.randomUUID().toString(),
                    RecordedWebhooks.payload("pull_request.closed.json"))
                .statusCode())
        .as("a closed pull request is taken in: it cancels the pull request's unfinished jobs")
        .isEqualTo(202);
    assertThat(
            harness
                .post(
                    "installation",
                    UUID.randomUUID().toString(),
                    RecordedWebhooks.payload("installation.created.json"))
                .statusCode())
        .as("installation events update the record through the intake queue; they ask for no job")
        .isEqualTo(202);
    var malformed =
        harness.post(
            "push", UUID.randomUUID().toString(), "{\"ref\":".getBytes(StandardCharsets.UTF_8));
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(malformed.bodyAsJsonObject().getString("error"))
        .startsWith("body is not valid JSON");
    var wrongShape =
        harness.post(
            "push",
            UUID.randomUUID().toString(),
            "{\"after\":\"6113728f27ae82c7b1a177c8d03f9e96e0adf246\"}"
                .getBytes(StandardCharsets.UTF_8));
    assertThat(wrongShape.statusCode()).isEqualTo(400);
    assertThat(wrongShape.bodyAsJsonObject().getString("error"))
        .isEqualTo("missing field: repository");

    // None of those asks for work: after a push that does, exactly one job is queued.
    assertThat(
            harness
                .post("push", UUID.randomUUID().toString(), RecordedWebhooks.payload("push.json"))
                .statusCode())
        .isEqualTo(202);
    assertThat(awaitJobs(1)).hasSize(1);
    assertThat(harness.get("/health/ready").statusCode()).isEqualTo(200);
  }

  @Test
  void metricsAreServedOnTheManagementListenerNotOnThePublicWebhookPort() throws Exception {
    assertThat(harness.get("/metrics").statusCode())
        .as("the public port no longer tells anyone its traffic and GitHub limits")
        .isEqualTo(404);
    assertThat(harness.getManagement("/metrics").statusCode()).isEqualTo(200);
    assertThat(harness.getManagement("/metrics").bodyAsString())
        .contains("solstice_queue_depth")
        .contains("solstice_http_refused_total");
    assertThat(harness.getManagement("/health/ready").statusCode()).isEqualTo(200);
    assertThat(harness.get("/health/live").statusCode())
        .as("probes and load balancers still find health on the public port")
        .isEqualTo(200);
    assertThat(harness.config().managementHost()).isEqualTo("127.0.0.1");
  }

  @Test
  void withTheGitHubSourceAllowlistOnlyDeliveriesFromGitHubsHookRangesAreTaken() throws Exception {
    GitHubSimulator sim =
        GitHubSimulator.start(vertx).toCompletionStage().toCompletableFuture().get();
    sim.trust().hookRanges(List.of("192.30.252.0/22"));
    ServiceHarness gated =
        ServiceHarness.start(
            vertx,
            ServiceHarness.isolatedEnv(
                Map.of(
                    "GITHUB_API_BASE", sim.baseUrl(),
                    "WEBHOOK_SOURCE_ALLOWLIST", "github",
                    "TRUSTED_PROXIES", "127.0.0.1")));
    try {
      byte[] body = RecordedWebhooks.payload("push.json");
      WebClient client = WebClient.create(vertx);
      java.util.function.Function<String, Integer> post =
          forwardedFor -> {
            var request =
                client
                    .post(gated.service().httpPort(), "127.0.0.1", gated.config().webhookPath())
                    .putHeader("X-GitHub-Event", "push")
                    .putHeader("X-GitHub-Delivery", UUID.randomUUID().toString())
                    .putHeader("Content-Type", "application/json")
                    .putHeader(
                        "X-Hub-Signature-256", SignatureVerifier.sign(ServiceHarness.SECRET, body));
            if (forwardedFor != null) {
              request.putHeader("X-Forwarded-For", forwardedFor);
            }
            return request
                .sendBuffer(Buffer.buffer(body))
                .toCompletionStage()
                .toCompletableFuture()
                .join()
                .statusCode();
          };
      assertThat(post.apply(null)).as("the ingress itself is no GitHub").isEqualTo(403);
      assertThat(post.apply("198.51.100.4")).isEqualTo(403);
      assertThat(post.apply("192.30.252.17")).isEqualTo(202);
      assertThat(sim.count("meta/get")).isEqualTo(1);
      client.close();
    } finally {
      gated.close();
      sim.close().toCompletionStage().toCompletableFuture().get();
    }
  }

  @Test
  void sameDeliveryTwiceYieldsOneJob() throws Exception {
    String delivery = UUID.randomUUID().toString();
    byte[] body = RecordedWebhooks.payload("push.json");
    assertThat(harness.post("push", delivery, body).statusCode()).isEqualTo(202);
    assertThat(awaitJobs(1)).hasSize(1);

    assertThat(harness.post("push", delivery, body).statusCode()).isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                harness
                        .registry()
                        .find("solstice_webhooks_processed")
                        .tag("outcome", "duplicate")
                        .counter()
                    != null);
    assertThat(harness.broker().count(jobsQueue())).isZero();
  }

  @Test
  void jobRequestRejectedByAConsumerLandsInTheDeadLetterQueue() throws Exception {
    assertThat(
            harness
                .post("push", UUID.randomUUID().toString(), RecordedWebhooks.payload("push.json"))
                .statusCode())
        .isEqualTo(202);
    await().atMost(Duration.ofSeconds(15)).until(() -> harness.broker().count(jobsQueue()) == 1);

    GetResponse taken = harness.broker().channel().basicGet(jobsQueue(), false);
    harness.broker().channel().basicReject(taken.getEnvelope().getDeliveryTag(), false);

    String dlq = harness.config().jobs().deadLetterQueue();
    await().atMost(Duration.ofSeconds(10)).until(() -> harness.broker().count(dlq) == 1);
    GetResponse parked = harness.broker().get(dlq);
    assertThat(parked.getProps().getMessageId()).isEqualTo(taken.getProps().getMessageId());
    JsonNode death =
        json.valueToTree(((List<?>) parked.getProps().getHeaders().get("x-death")).size());
    assertThat(death.asInt()).isEqualTo(1);
  }

  @Test
  void oversizedBodyIs413() throws Exception {
    harness.close();
    harness =
        ServiceHarness.start(vertx, ServiceHarness.isolatedEnv(Map.of("MAX_BODY_BYTES", "1024")));
    var response =
        harness.post("push", UUID.randomUUID().toString(), RecordedWebhooks.payload("push.json"));
    assertThat(response.statusCode()).isEqualTo(413);
  }
}
