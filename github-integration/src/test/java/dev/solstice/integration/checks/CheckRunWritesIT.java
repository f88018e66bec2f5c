package dev.solstice.integration.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.solstice.integration.core.CheckNames;
import dev.solstice.integration.core.JobLinks;
import dev.solstice.integration.github.CapturedLogs;
import dev.solstice.integration.github.CheckRunCreate;
import dev.solstice.integration.github.CheckRunOutput;
import dev.solstice.integration.github.PacingPolicy;
import dev.solstice.integration.github.RepoRef;
import dev.solstice.integration.github.RetryPolicy;
import dev.solstice.integration.github.WebClientGitHubClient;
import dev.solstice.integration.github.WriteGuard;
import dev.solstice.jobrequest.Conclusion;
import dev.solstice.jobrequest.JobRequest;
import dev.solstice.jobrequest.JobResult;
import dev.solstice.simulator.github.Fault;
import dev.solstice.simulator.github.GitHubSimulator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14, two replicas sharing one Redis (127.0.0.1:6379) and one GitHub (the simulator): writes
 * to one check run stay ordered (no {@code in_progress} after the completion), and a run created by
 * a replica that died before recording it is adopted, not created again.
 */
class CheckRunWritesIT {
  @RegisterExtension static final CapturedLogs LOGS = new CapturedLogs();

  static final long INST = 43;
  static final String REPO = "acme/replicas";
  static final String SHA = "0123456789abcdef0123456789abcdef01234567";
  static final String PATCH_RUN = "/repos/acme/replicas/check-runs/\\d+";

  private Vertx vertx;
  private GitHubSimulator sim;
  private String prefix;
  private final List<RedisAPI> redises = new ArrayList<>();
  private final List<WebClientGitHubClient> clients = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    sim = get(GitHubSimulator.start(vertx));
    sim.installation(INST, REPO);
    LOGS.pem(sim.app().pkcs1Pem());
    prefix = "solstice-test:" + UUID.randomUUID() + ":checkrun:";
  }

  @AfterEach
  void stop() throws Exception {
    sim.secretsSeen().forEach(LOGS::secret);
    RedisAPI r = redis();
    List<String> keys = new ArrayList<>();
    get(r.keys(prefix + "*")).forEach(k -> keys.add(k.toString()));
    if (!keys.isEmpty()) {
      get(r.del(keys));
    }
    clients.forEach(WebClientGitHubClient::close);
    redises.forEach(RedisAPI::close);
    get(sim.close());
    get(vertx.close());
  }

  @Test
  void anInProgressWriteInFlightIsAnsweredBeforeAnotherReplicaCompletesTheRun() throws Exception {
    CheckRunReporter a = replica(Duration.ZERO);
    CheckRunReporter b = replica(Duration.ZERO);
    JobRequest job = get(a.queue(job()));
    // Replica a's in_progress PATCH is slow at GitHub; b's completion must not overtake it.
    sim.inject(Fault.latency(Duration.ofMillis(800)).on("PATCH", PATCH_RUN));
    Future<Void> started = a.report(JobResult.started(job, Instant.now()));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> get(redis().exists(List.of(key("writing", job)))).toInteger() == 1);
    Future<Void> completed = b.report(succeeded(job));
    get(started);
    get(completed);
    JsonObject run = sim.checkRuns(REPO).get(0);
    assertThat(run.getString("status")).isEqualTo("completed");
    assertThat(run.getString("conclusion")).isEqualTo("success");
  }

  @Test
  void noInProgressWriteIsSentOnceAnotherReplicaBeganTheCompletion() throws Exception {
    CheckRunReporter a = replica(Duration.ZERO);
    CheckRunReporter b = replica(Duration.ZERO);
    JobRequest job = get(a.queue(job()));
    sim.inject(Fault.latency(Duration.ofMillis(800)).on("PATCH", PATCH_RUN));
    Future<Void> completed = b.report(succeeded(job));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> get(redis().exists(List.of(key("completing", job)))).toInteger() == 1);
    get(a.report(JobResult.started(job, Instant.now())));
    get(completed);
    assertThat(sim.calls(c -> c.operation().equals("checks/update"))).hasSize(1);
    assertThat(sim.checkRuns(REPO).get(0).getString("status")).isEqualTo("completed");
  }

  @Test
  void anInProgressWriteQueuedInThePacerIsDroppedWhenTheCompletionArrives() throws Exception {
    // One replica, writes at least 600 ms apart: the in_progress PATCH waits in the pacer behind
    // the create while the completion arrives.
    CheckRunReporter a = replica(Duration.ofMillis(600));
    JobRequest job = get(a.queue(job()));
    Future<Void> started = a.report(JobResult.started(job, Instant.now()));
    Future<Void> completed = a.report(succeeded(job));
    get(started);
    get(completed);
    assertThat(sim.calls(c -> c.operation().equals("checks/update"))).hasSize(1);
    assertThat(sim.checkRuns(REPO).get(0).getString("status")).isEqualTo("completed");
  }

  @Test
  void aCompletionWaitsOutTheLeaseOfAWriterThatDied() throws Exception {
    CheckRunMap map = map(Duration.ofMillis(700));
    UUID id = UUID.randomUUID();
    WriteGuard dead = map.startedWrite(id);
    assertThat(get(dead.acquire())).isTrue(); // and never released: its replica was killed
    long t0 = System.nanoTime();
    get(map.beginCompletion(id));
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThan(Duration.ofMillis(500));
    assertThat(get(map.startedWrite(id).acquire()))
        .as("in_progress after the completion")
        .isFalse();
  }

  @Test
  void aRunCreatedByAReplicaKilledBeforeRecordingItIsAdopted() throws Exception {
    CheckRunMap shared = map(Duration.ofSeconds(5));
    CheckRunReporter survivor = replica(Duration.ZERO);
    JobRequest job = job();
    // The killed replica noted the create and GitHub created the run; the replica died before
    // recording the run's id.
    assertThat(get(shared.beginCreate(job.requestId()))).isTrue();
    WebClientGitHubClient killed = client(Duration.ZERO);
    long created =
        get(killed.createCheckRun(
                INST,
                RepoRef.parse(REPO),
                CheckRunCreate.queued(
                    survivor.runName("build"),
                    SHA,
                    job.requestId().toString(),
                    null,
                    CheckRunOutput.of("Queued", "Waiting for a runner."))))
            .id();
    // The delivery comes again, to the survivor.
    JobRequest replayed = get(survivor.queue(job));
    assertThat(replayed.checkRunId()).isEqualTo(created);
    assertThat(sim.checkRuns(REPO)).hasSize(1);
    assertThat(sim.calls(c -> c.operation().equals("checks/list-for-ref"))).hasSize(1);
  }

  @Test
  void aResultWhoseRunWasCreatedButNotRecordedCompletesThatRun() throws Exception {
    CheckRunMap shared = map(Duration.ofSeconds(5));
    CheckRunReporter survivor = replica(Duration.ZERO);
    JobRequest job = job();
    assertThat(get(shared.beginCreate(job.requestId()))).isTrue();
    get(
        client(Duration.ZERO)
            .createCheckRun(
                INST,
                RepoRef.parse(REPO),
                CheckRunCreate.queued(
                    survivor.runName("build"), SHA, job.requestId().toString(), null, null)));
    get(survivor.report(succeeded(job)));
    assertThat(sim.checkRuns(REPO)).hasSize(1);
    assertThat(sim.checkRuns(REPO).get(0).getString("status")).isEqualTo("completed");
  }

  // -- fixtures

  private CheckRunReporter replica(Duration writeGap) {
    return new CheckRunReporter(
        client(writeGap),
        map(Duration.ofSeconds(5)),
        new CheckNames("Solstice CI"),
        JobLinks.logs(null),
        sim.app().id(),
        Clock.systemUTC());
  }

  private CheckRunMap map(Duration writeLease) {
    return CheckRunMap.redis(vertx, redis(), prefix, Duration.ofMinutes(5), writeLease);
  }

  private WebClientGitHubClient client(Duration writeGap) {
    WebClientGitHubClient c =
        WebClientGitHubClient.builder(vertx)
            .apiBase(sim.baseUrl())
            .app(sim.app().id(), sim.app().privateKey())
            .retryPolicy(
                new RetryPolicy(
                    3,
                    Duration.ofMillis(5),
                    Duration.ofMillis(20),
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(5)))
            .pacing(new PacingPolicy(100_000, 100_000, writeGap, 8))
            .build();
    clients.add(c);
    return c;
  }

  private RedisAPI redis() {
    RedisAPI api = RedisAPI.api(Redis.createClient(vertx, "redis://127.0.0.1:6379"));
    redises.add(api);
    return api;
  }

  private String key(String kind, JobRequest job) {
    return prefix + kind + ":{" + job.requestId() + "}";
  }

  private static JobRequest job() {
    return JobRequest.builder(
            UUID.randomUUID(), "https://github.com/" + REPO + ".git", SHA, Instant.now())
        .workflow(".solstice/workflow.kdl", "build")
        .repository(REPO)
        .installationId(INST)
        .build();
  }

  private static JobResult succeeded(JobRequest job) {
    Instant now = Instant.now();
    return JobResult.completed(
        job, Conclusion.SUCCESS, now.minusSeconds(5), now, "All good.", null, "ok\n", List.of());
  }

  private static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
