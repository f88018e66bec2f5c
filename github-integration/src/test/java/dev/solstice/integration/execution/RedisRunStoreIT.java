package dev.solstice.integration.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solstice.integration.checks.CheckRunMap;
import dev.solstice.integration.checks.CheckRunReporter;
import dev.solstice.integration.core.CheckNames;
import dev.solstice.integration.core.ClaimHeldException;
import dev.solstice.integration.core.JobState;
import dev.solstice.integration.core.RequestIds;
import dev.solstice.integration.workflow.Workflow;
import dev.solstice.jobrequest.Conclusion;
import dev.solstice.jobrequest.JobRequest;
import dev.solstice.jobrequest.JobResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The run state in the real Redis (127.0.0.1:6379): what one replica stored, another continues; a
 * claim is exclusive across replicas and expires; the head of a group is shared.
 */
class RedisRunStoreIT {

  private Vertx vertx;
  private Redis client;
  private RedisAPI redis;
  private String prefix;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    client = Redis.createClient(vertx, "redis://127.0.0.1:6379");
    redis = RedisAPI.api(client);
    prefix = "solstice-test:" + UUID.randomUUID() + ":";
  }

  @AfterEach
  void stop() throws Exception {
    List<String> keys = new ArrayList<>();
    await(redis.keys(prefix + "*")).forEach(k -> keys.add(k.toString()));
    if (!keys.isEmpty()) {
      await(redis.del(keys));
    }
    client.close();
    await(vertx.close());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static JobRequest job(String delivery, String id, List<String> needs, long checkRun) {
    return JobRequest.builder(
            RequestIds.of(delivery, id),
            "https://github.com/acme/w.git",
            "1111111111111111111111111111111111111111",
            Instant.parse("2026-11-25T10:00:00Z"))
        .workflow(Workflow.PATH, id)
        .repository("acme/w")
        .installationId(1L)
        .needs(needs)
        .checkRunId(checkRun)
        .script(List.of("make " + id))
        .build();
  }

  @Test
  void storesRunsStatesClaimsAndHeads() throws Exception {
    RunStore store = RunStore.redis(redis, prefix, Duration.ofMinutes(5));
    UUID run = UUID.randomUUID();
    JobRequest build = job("d", "build", List.of(), 11);
    JobRequest test = job("d", "test", List.of("build"), 12);
    await(store.save(run, List.of(build, test)));
    await(store.save(run, List.of(build, test))); // idempotent

    assertThat(await(store.runOf(test.requestId()))).contains(run);
    assertThat(await(store.runOf(UUID.randomUUID()))).isEmpty();
    assertThat(await(store.jobs(run))).containsOnlyKeys("build", "test");
    assertThat(await(store.jobs(run)).get("test")).isEqualTo(test);
    assertThat(await(store.states(run))).isEmpty();
    await(store.setState(run, "build", JobState.QUEUED));
    await(store.setState(run, "build", JobState.completed("success")));
    assertThat(await(store.states(run)))
        .containsExactly(java.util.Map.entry("build", "completed:success"));

    RunStore other = RunStore.redis(redis, prefix, Duration.ofMinutes(5)); // another replica
    assertThat(await(store.claim(run, "test", Duration.ofMillis(300)))).isTrue();
    assertThat(await(other.claim(run, "test", Duration.ofMillis(300)))).isFalse();
    // Once the 300 ms lease has expired, the other replica gets the job (a refused claim changes
    // nothing).
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .alias("expired lease")
        .until(() -> await(other.claim(run, "test", Duration.ofSeconds(30))));
    await(other.release(run, "test"));
    assertThat(await(store.claim(run, "test", Duration.ofSeconds(30)))).isTrue();

    assertThat(await(store.head("acme/w:pr:7"))).isEmpty();
    await(store.setHead("acme/w:pr:7", new RunStore.Head(run, "abc")));
    assertThat(await(other.head("acme/w:pr:7"))).contains(new RunStore.Head(run, "abc"));
  }

  @Test
  void aStartedResultHandledAfterTheFinalOneDoesNotUndoIt() throws Exception {
    for (RunStore store :
        List.of(
            RunStore.redis(redis, prefix, Duration.ofMinutes(5)),
            RunStore.inMemory(Clock.systemUTC()))) {
      UUID run = UUID.randomUUID();
      await(store.setState(run, "build", JobState.QUEUED));
      await(store.setStartedUnlessFinished(run, "build"));
      assertThat(await(store.states(run))).containsEntry("build", JobState.STARTED);
      for (String last :
          List.of(JobState.completed("success"), JobState.SKIPPED, JobState.CANCELLED)) {
        await(store.setState(run, "build", last));
        // A killed replica's STARTED, redelivered after the survivor applied the final result.
        await(store.setStartedUnlessFinished(run, "build"));
        assertThat(await(store.states(run)))
            .as(store.getClass().getSimpleName())
            .containsEntry("build", last);
      }
      await(store.setStartedUnlessFinished(run, "lint"));
      assertThat(await(store.states(run))).containsEntry("lint", JobState.STARTED);
    }
  }

  @Test
  void anotherReplicaEnqueuesTheDependentOnceWhenConcurrentResultsArrive() throws Exception {
    Clock clock = Clock.systemUTC();
    RunCoordinatorTest.FakeGitHub github = new RunCoordinatorTest.FakeGitHub();
    List<JobRequest> enqueued = Collections.synchronizedList(new ArrayList<>());
    List<RunCoordinator> replicas = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      CheckRunReporter checks =
          new CheckRunReporter(
              github,
              CheckRunMap.inMemory(),
              new CheckNames("Solstice CI"),
              dev.solstice.integration.core.JobLinks.logs(null),
              7,
              clock);
      replicas.add(
          new RunCoordinator(
              RunStore.redis(redis, prefix, Duration.ofMinutes(5)),
              checks,
              j -> {
                enqueued.add(j);
                return Future.succeededFuture();
              },
              c -> Future.succeededFuture(),
              clock));
    }
    UUID run = RunCoordinator.runId("delivery-" + UUID.randomUUID());
    JobRequest a = job("e", "a", List.of(), 21);
    JobRequest b = job("e", "b", List.of(), 22);
    JobRequest c = job("e", "c", List.of("a", "b"), 23);
    assertThat(await(replicas.get(0).start(run, List.of(a, b, c)))).hasSize(2);

    // a's result on replica 0, b's on replica 1 at once; redelivered results retry until it
    // settles.
    List<Future<Void>> results = new ArrayList<>();
    results.add(retrying(() -> replicas.get(0).onResult(done(a))));
    results.add(retrying(() -> replicas.get(1).onResult(done(b))));
    results.add(retrying(() -> replicas.get(1).onResult(done(a))));
    await(Future.all(results));
    assertThat(enqueued).extracting(JobRequest::workflowJobId).containsExactly("c");
    assertThat(enqueued.get(0).checkRunId()).isEqualTo(23);
  }

  private Future<Void> retrying(java.util.function.Supplier<Future<Void>> step) {
    return step.get()
        .recover(
            e ->
                e instanceof ClaimHeldException
                    ? vertx.timer(100).compose(t -> retrying(step))
                    : Future.failedFuture(e));
  }

  private static JobResult done(JobRequest j) {
    return JobResult.completed(
        j, Conclusion.SUCCESS, Instant.EPOCH, Instant.EPOCH, null, null, null, List.of());
  }
}
