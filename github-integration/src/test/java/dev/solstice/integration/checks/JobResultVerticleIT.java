package dev.solstice.integration.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import dev.solstice.integration.core.CheckNames;
import dev.solstice.integration.github.CapturedLogs;
import dev.solstice.integration.github.CheckRun;
import dev.solstice.integration.github.CheckRunCreate;
import dev.solstice.integration.github.PacingPolicy;
import dev.solstice.integration.github.RepoRef;
import dev.solstice.integration.github.RetryPolicy;
import dev.solstice.integration.github.WebClientGitHubClient;
import dev.solstice.integration.intake.FailureVerdicts;
import dev.solstice.integration.ops.Metrics;
import dev.solstice.integration.testing.TestBroker;
import dev.solstice.jobrequest.Conclusion;
import dev.solstice.jobrequest.JobCodec;
import dev.solstice.jobrequest.JobRequest;
import dev.solstice.jobrequest.JobResult;
import dev.solstice.jobrequest.amqp.QueueTopology;
import dev.solstice.platform.amqp.AmqpConnector;
import dev.solstice.platform.amqp.ConfirmingPublisher;
import dev.solstice.platform.amqp.RetrySchedule;
import dev.solstice.platform.amqp.SettlingConsumer;
import dev.solstice.platform.amqp.Topology;
import dev.solstice.simulator.github.Fault;
import dev.solstice.simulator.github.GitHubSimulator;
import dev.solstice.simulator.github.RecordedCall;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The JobResult consumer's paths against the real RabbitMQ (isolated results flow with its delay
 * queue and DLQ) and the GitHub simulator (real HTTP, App JWT, installation tokens): a run found
 * without its id, a run created when none exists, a passing GitHub failure retried through the
 * delay queue, and a result parked with its reason.
 */
class JobResultVerticleIT {

  @RegisterExtension static final CapturedLogs LOGS = new CapturedLogs();

  static final long INST = 41;
  static final String REPO = "acme/widgets";
  static final String SHA = "89abcdef0123456789abcdef0123456789abcdef";
  static final Duration DELAY = Duration.ofMillis(300);

  private Vertx vertx;
  private GitHubSimulator sim;
  private WebClientGitHubClient github;
  private TestBroker broker;
  private AmqpConnector connector;
  private ConfirmingPublisher publisher;
  private SimpleMeterRegistry registry;
  private final QueueTopology flow = QueueTopology.RESULTS.isolated(TestBroker.uniqueSuffix());

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    sim = get(GitHubSimulator.start(vertx));
    sim.installation(INST, REPO);
    LOGS.pem(sim.app().pkcs1Pem());
    github =
        WebClientGitHubClient.builder(vertx)
            .apiBase(sim.baseUrl())
            .app(sim.app().id(), sim.app().privateKey())
            // One attempt per call: a GitHub failure reaches the consumer, whose retry is tested.
            .retryPolicy(
                new RetryPolicy(
                    1,
                    Duration.ofMillis(5),
                    Duration.ofMillis(20),
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(5)))
            .pacing(new PacingPolicy(100_000, 100_000, Duration.ZERO, 8))
            .build();
    broker = new TestBroker();
    broker.track(flow);
    broker.trackQueue(Topology.delayQueueName(flow, DELAY));
    connector = new AmqpConnector(URI.create(TestBroker.URL), "results IT");
    publisher =
        new ConfirmingPublisher(vertx, connector, Duration.ofSeconds(5), List.of(flow), "it");
    registry = new SimpleMeterRegistry();
    CheckRunReporter reporter =
        new CheckRunReporter(
            github,
            CheckRunMap.inMemory(),
            new CheckNames("Solstice CI"),
            dev.solstice.integration.core.JobLinks.logs(null),
            sim.app().id(),
            Clock.systemUTC());
    JobResultVerticle verticle =
        new JobResultVerticle(
            new SettlingConsumer.Settings(
                connector,
                publisher,
                flow,
                new RetrySchedule(List.of(DELAY), 3),
                4,
                FailureVerdicts.SERVICE),
            reporter,
            new Metrics(registry),
            r -> Future.succeededFuture());
    get(vertx.deployVerticle(verticle));
    connector.start();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> verticle.isConsuming() && publisher.isReady());
  }

  @AfterEach
  void stop() throws Exception {
    sim.secretsSeen().forEach(LOGS::secret);
    assertThat(sim.schemaViolations()).as("bodies GitHub would reject").isEmpty();
    connector.close();
    publisher.close();
    broker.close();
    github.close();
    get(sim.close());
    get(vertx.close());
  }

  private static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static JobRequest job(String jobId, Long checkRunId) {
    JobRequest.Builder b =
        JobRequest.builder(
                UUID.randomUUID(), "https://github.com/" + REPO + ".git", SHA, Instant.now())
            .workflow(".solstice/workflow.kdl", jobId)
            .repository(REPO)
            .installationId(INST);
    JobRequest j = b.build();
    return checkRunId == null ? j : j.withCheckRunId(checkRunId);
  }

  private static JobResult succeeded(JobRequest job) {
    Instant now = Instant.now();
    return JobResult.completed(
        job, Conclusion.SUCCESS, now.minusSeconds(5), now, "All good.", null, "ok\n", List.of());
  }

  private void send(JobResult result) throws Exception {
    send(JobCodec.encode(result));
  }

  private void send(byte[] body) throws Exception {
    broker
        .channel()
        .basicPublish(
            flow.exchange(),
            flow.routingKey(),
            new AMQP.BasicProperties.Builder()
                .messageId(UUID.randomUUID().toString())
                .deliveryMode(2)
                .contentType("application/json")
                .build(),
            body);
  }

  private CheckRun create(String name, String externalId) throws Exception {
    return get(
        github.createCheckRun(
            INST, RepoRef.parse(REPO), CheckRunCreate.queued(name, SHA, externalId, null, null)));
  }

  private Optional<JsonObject> run(long id) {
    return sim.checkRuns(REPO).stream().filter(r -> r.getLong("id") == id).findFirst();
  }

  private double counter(String name, String... tags) {
    Counter c = registry.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  private GetResponse parked() throws Exception {
    await().atMost(Duration.ofSeconds(20)).until(() -> broker.count(flow.deadLetterQueue()) == 1);
    return broker.get(flow.deadLetterQueue());
  }

  @Test
  void aResultWithoutItsRunIdFindsTheRunByExternalIdAmongTheCommitsPagedRunsOfThatName()
      throws Exception {
    JobRequest job = job("build", null);
    // The job's run, then 120 more of the same name (other request ids) and some of another name.
    CheckRun target = create("Solstice CI / build", job.requestId().toString());
    for (int i = 0; i < 120; i++) {
      create("Solstice CI / build", UUID.randomUUID().toString());
    }
    for (int i = 0; i < 5; i++) {
      create("Solstice CI / lint", job.requestId().toString());
    }
    int runsBefore = sim.checkRuns(REPO).size();
    long listsBefore = sim.count("checks/list-for-ref");

    send(succeeded(job)); // no check_run_id, and this process has no mapping for the request id

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> "completed".equals(run(target.id()).orElseThrow().getString("status")));
    assertThat(run(target.id()).orElseThrow().getString("conclusion")).isEqualTo("success");
    assertThat(sim.checkRuns(REPO)).as("no run created").hasSize(runsBefore);
    List<RecordedCall> lists =
        sim.calls(c -> c.operation().equals("checks/list-for-ref")).stream()
            .skip(listsBefore)
            .toList();
    assertThat(lists).as("both pages of the name's 121 runs").hasSize(2);
    assertThat(lists)
        .allSatisfy(
            c ->
                assertThat(java.net.URLDecoder.decode(c.query(), StandardCharsets.UTF_8))
                    .contains("check_name=Solstice CI / build"));
    assertThat(
            sim.checkRuns(REPO).stream()
                .filter(r -> "Solstice CI / lint".equals(r.getString("name"))))
        .allSatisfy(r -> assertThat(r.getString("status")).isEqualTo("queued"));
    await().atMost(Duration.ofSeconds(5)).until(() -> broker.count(flow.queue()) == 0);
    assertThat(broker.count(flow.deadLetterQueue())).isZero();
  }

  @Test
  void aResultWhoseRunExistsNowhereCreatesACompletedRunSoTheCommitShowsIt() throws Exception {
    JobRequest job = job("test", null);

    send(succeeded(job));

    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                sim.checkRuns(REPO).stream()
                    .anyMatch(r -> job.requestId().toString().equals(r.getString("external_id"))));
    JsonObject created =
        sim.checkRuns(REPO).stream()
            .filter(r -> job.requestId().toString().equals(r.getString("external_id")))
            .findFirst()
            .orElseThrow();
    assertThat(created.getString("name")).isEqualTo("Solstice CI / test");
    assertThat(created.getString("head_sha")).isEqualTo(SHA);
    assertThat(created.getString("status")).isEqualTo("completed");
    assertThat(created.getString("conclusion")).isEqualTo("success");
    assertThat(sim.checkRuns(REPO)).hasSize(1);
  }

  @Test
  void aPassingGitHubFailureRetriesTheResultThroughTheDelayQueue() throws Exception {
    CheckRun queued = create("Solstice CI / build", UUID.randomUUID().toString());
    JobRequest job = job("build", queued.id());
    sim.inject(Fault.status(502).on("PATCH", "/repos/.+/check-runs/.+"));

    send(succeeded(job));

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> "completed".equals(run(queued.id()).orElseThrow().getString("status")));
    List<RecordedCall> updates = sim.calls(c -> c.operation().equals("checks/update"));
    assertThat(updates).extracting(RecordedCall::status).containsExactly(502, 200);
    assertThat(Duration.between(updates.get(0).at(), updates.get(1).at()))
        .as("the second attempt came back from the delay queue")
        .isGreaterThanOrEqualTo(DELAY.minusMillis(50));
    assertThat(counter("solstice_retries", "queue", "results")).isEqualTo(1);
    assertThat(broker.count(flow.deadLetterQueue())).isZero();
  }

  @Test
  void aResultGitHubRefusesForGoodIsParkedWithTheReason() throws Exception {
    JobRequest job = job("build", 987_654_321L); // a run that does not exist: 404

    send(succeeded(job));

    GetResponse parked = parked();
    assertThat(parked.getProps().getHeaders().get("x-solstice-reason").toString()).contains("404");
    assertThat(JobCodec.decodeResult(parked.getBody()).requestId()).isEqualTo(job.requestId());
    assertThat(sim.count("checks/update")).as("not retried").isEqualTo(1);
    assertThat(counter("solstice_dlq_parked", "queue", "results")).isEqualTo(1);
  }

  @Test
  void anUnreadableResultIsParkedWithTheReason() throws Exception {
    send("{\"schema_version\":\"jobresult.v1\",\"status\":".getBytes(StandardCharsets.UTF_8));

    GetResponse parked = parked();
    assertThat(parked.getProps().getHeaders().get("x-solstice-reason").toString()).isNotBlank();
    assertThat(new String(parked.getBody(), StandardCharsets.UTF_8))
        .startsWith("{\"schema_version");
    assertThat(sim.count("checks/update")).isZero();
  }

  @Test
  void aResultStillFailingAfterItsLastAttemptIsParked() throws Exception {
    CheckRun queued = create("Solstice CI / build", UUID.randomUUID().toString());
    JobRequest job = job("build", queued.id());
    sim.inject(Fault.status(503).times(10).on("PATCH", "/repos/.+/check-runs/.+"));

    send(succeeded(job));

    GetResponse parked = parked();
    assertThat(parked.getProps().getHeaders().get("x-solstice-attempts").toString()).isEqualTo("3");
    assertThat(parked.getProps().getHeaders().get("x-solstice-reason").toString()).contains("503");
    assertThat(sim.count("checks/update")).isEqualTo(3);
    assertThat(counter("solstice_retries", "queue", "results")).isEqualTo(2);
    assertThat(run(queued.id()).orElseThrow().getString("status")).isEqualTo("queued");
  }
}
