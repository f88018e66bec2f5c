package dev.solstice.integration.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solstice.integration.checks.CheckRunMap;
import dev.solstice.integration.checks.CheckRunReporter;
import dev.solstice.integration.core.CheckNames;
import dev.solstice.integration.core.ClaimHeldException;
import dev.solstice.integration.core.Failures;
import dev.solstice.integration.core.JobState;
import dev.solstice.integration.core.RequestIds;
import dev.solstice.integration.github.ChangedFiles;
import dev.solstice.integration.github.CheckRun;
import dev.solstice.integration.github.CheckRunCreate;
import dev.solstice.integration.github.CheckRunQuery;
import dev.solstice.integration.github.CheckRunUpdate;
import dev.solstice.integration.github.GitHubClient;
import dev.solstice.integration.github.HookDeliveryPage;
import dev.solstice.integration.github.IssueCreate;
import dev.solstice.integration.github.IssueRef;
import dev.solstice.integration.github.RepoFile;
import dev.solstice.integration.github.RepoRef;
import dev.solstice.integration.planning.Jobs;
import dev.solstice.integration.workflow.Workflow;
import dev.solstice.jobrequest.Conclusion;
import dev.solstice.jobrequest.JobCancel;
import dev.solstice.jobrequest.JobRequest;
import dev.solstice.jobrequest.JobResult;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Needs gating and superseded runs over the in-memory store: each step once, even when replayed.
 */
class RunCoordinatorTest {

  private static final String SHA1 = "1111111111111111111111111111111111111111";
  private static final String SHA2 = "2222222222222222222222222222222222222222";

  private final Clock clock = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);
  private final FakeGitHub github = new FakeGitHub();
  private final CheckRunReporter checks =
      new CheckRunReporter(
          github,
          CheckRunMap.inMemory(),
          new CheckNames("Solstice CI"),
          dev.solstice.integration.core.JobLinks.logs(null),
          7,
          clock);
  private final RunStore store = RunStore.inMemory(clock);
  private final List<JobRequest> enqueued = new ArrayList<>();
  private final List<JobCancel> cancels = new ArrayList<>();
  private final RunCoordinator coordinator =
      new RunCoordinator(
          store,
          checks,
          j -> {
            enqueued.add(j);
            return Future.succeededFuture();
          },
          c -> {
            cancels.add(c);
            return Future.succeededFuture();
          },
          clock);

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  /**
   * lint; build; test needs build; deploy needs test: queued check runs created, as the expander
   * does.
   */
  private List<JobRequest> run(String delivery, String sha) throws Exception {
    Map<String, List<String>> needs = new LinkedHashMap<>();
    needs.put("lint", List.of());
    needs.put("build", List.of());
    needs.put("test", List.of("build"));
    needs.put("deploy", List.of("test"));
    List<JobRequest> jobs = new ArrayList<>();
    for (var e : needs.entrySet()) {
      JobRequest j =
          JobRequest.builder(
                  RequestIds.of(delivery, e.getKey()),
                  "https://github.com/acme/w.git",
                  sha,
                  clock.instant())
              .workflow(Workflow.PATH, e.getKey())
              .repository("acme/w")
              .installationId(1L)
              .event("pull_request")
              .pullRequestNumber(7)
              .deliveryId(delivery)
              .needs(e.getValue())
              .script(List.of("make"))
              .build();
      jobs.add(await(checks.queue(j)));
    }
    return jobs;
  }

  private static JobResult done(JobRequest j, Conclusion c) {
    return JobResult.completed(j, c, Instant.EPOCH, Instant.EPOCH, null, null, null, List.of());
  }

  private static JobRequest job(List<JobRequest> jobs, String id) {
    return jobs.stream().filter(j -> id.equals(j.workflowJobId())).findFirst().orElseThrow();
  }

  @Test
  void jobsWithNeedsWaitAndAreEnqueuedOnceAfterTheirNeedsSucceeded() throws Exception {
    List<JobRequest> jobs = run("d1", SHA1);
    UUID runId = RunCoordinator.runId("d1");
    List<JobRequest> now = await(coordinator.start(runId, jobs));
    assertThat(now).extracting(JobRequest::workflowJobId).containsExactly("lint", "build");
    assertThat(await(coordinator.start(runId, jobs)))
        .hasSize(2); // a replayed delivery: same answer

    await(coordinator.onResult(JobResult.started(job(jobs, "build"), Instant.EPOCH)));
    await(coordinator.onResult(done(job(jobs, "lint"), Conclusion.SUCCESS)));
    assertThat(enqueued).isEmpty();
    await(coordinator.onResult(done(job(jobs, "build"), Conclusion.SUCCESS)));
    await(coordinator.onResult(done(job(jobs, "build"), Conclusion.SUCCESS))); // redelivered result
    assertThat(enqueued).extracting(JobRequest::workflowJobId).containsExactly("test");
    assertThat(enqueued.get(0).checkRunId()).isEqualTo(job(jobs, "test").checkRunId());
    await(coordinator.onResult(done(job(jobs, "test"), Conclusion.SUCCESS)));
    assertThat(enqueued).extracting(JobRequest::workflowJobId).containsExactly("test", "deploy");
    assertThat(github.updates).isEmpty();
    // The webhook processed once more (a crash before its ack): nothing moves back, nothing is
    // enqueued.
    assertThat(await(coordinator.start(runId, jobs))).hasSize(2);
    assertThat(await(coordinator.state(runId, "build"))).contains("completed:success");
    await(coordinator.onResult(done(job(jobs, "test"), Conclusion.SUCCESS)));
    assertThat(enqueued).hasSize(2);
  }

  @Test
  void aFailedNeedSkipsEveryJobThatDependsOnItOnce() throws Exception {
    List<JobRequest> jobs = run("d2", SHA1);
    UUID runId = RunCoordinator.runId("d2");
    await(coordinator.start(runId, jobs));
    await(coordinator.onResult(done(job(jobs, "build"), Conclusion.TIMED_OUT)));
    await(coordinator.onResult(done(job(jobs, "build"), Conclusion.TIMED_OUT)));
    assertThat(enqueued).isEmpty();
    assertThat(github.updates).hasSize(2);
    assertThat(github.updates)
        .allSatisfy(
            u -> {
              assertThat(u.conclusion()).isEqualTo("skipped");
              assertThat(u.output().summary()).contains("`build`").contains("timed_out");
            });
    assertThat(await(coordinator.state(runId, "deploy"))).contains(JobState.SKIPPED);
    assertThat(await(coordinator.state(runId, "lint"))).contains(JobState.QUEUED);
  }

  @Test
  void aNewHeadCancelsThePreviousHeadsJobsThatDidNotFinishOnce() throws Exception {
    String group = Jobs.group("acme/w", "pull_request", 7, "refs/pull/7/head");
    List<JobRequest> first = run("d3", SHA1);
    UUID firstRun = RunCoordinator.runId("d3");
    await(coordinator.start(firstRun, first));
    await(coordinator.supersede(group, firstRun, SHA1));
    await(coordinator.onResult(done(job(first, "lint"), Conclusion.SUCCESS))); // lint finished

    List<JobRequest> second = run("d4", SHA2);
    UUID secondRun = RunCoordinator.runId("d4");
    await(coordinator.start(secondRun, second));
    await(coordinator.supersede(group, secondRun, SHA2));
    await(coordinator.supersede(group, secondRun, SHA2)); // the same delivery again

    // build was queued: a cancel message; test and deploy were waiting: only their runs; lint's
    // result stands.
    assertThat(cancels)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.requestId()).isEqualTo(job(first, "build").requestId());
              assertThat(c.supersededBy()).isEqualTo(SHA2);
            });
    assertThat(github.updates)
        .hasSize(3)
        .allSatisfy(u -> assertThat(u.conclusion()).isEqualTo("cancelled"));
    assertThat(await(coordinator.state(firstRun, "lint"))).contains("completed:success");
    // The cancelled build's result (from an orchestrator honouring the cancel) enqueues nothing.
    await(coordinator.onResult(done(job(first, "build"), Conclusion.CANCELLED)));
    assertThat(enqueued).isEmpty();
    assertThat(github.updates).hasSize(3);
  }

  @Test
  void aNewHeadCancelsThePreviousHeadsRunningJobsToo() throws Exception {
    String group = Jobs.group("acme/w", "pull_request", 7, "refs/pull/7/head");
    List<JobRequest> first = run("d6", SHA1);
    UUID firstRun = RunCoordinator.runId("d6");
    await(coordinator.start(firstRun, first));
    await(coordinator.supersede(group, firstRun, SHA1));
    await(coordinator.onResult(JobResult.started(job(first, "lint"), Instant.EPOCH)));
    await(coordinator.onResult(JobResult.started(job(first, "build"), Instant.EPOCH)));

    List<JobRequest> second = run("d7", SHA2);
    UUID secondRun = RunCoordinator.runId("d7");
    await(coordinator.start(secondRun, second));
    await(coordinator.supersede(group, secondRun, SHA2));

    // Both running jobs are told to stop; the two waiting ones only have their runs completed.
    assertThat(cancels)
        .extracting(JobCancel::requestId)
        .containsExactlyInAnyOrder(job(first, "lint").requestId(), job(first, "build").requestId());
    assertThat(cancels)
        .allSatisfy(
            c -> {
              assertThat(c.reason()).isEqualTo(JobCancel.SUPERSEDED);
              assertThat(c.supersededBy()).isEqualTo(SHA2);
            });
    assertThat(github.updates)
        .hasSize(4)
        .allSatisfy(u -> assertThat(u.conclusion()).isEqualTo("cancelled"))
        .extracting(u -> u.output().summary())
        .filteredOn(s -> s.endsWith("while it ran."))
        .hasSize(2);
    assertThat(await(coordinator.state(firstRun, "lint"))).contains(JobState.CANCELLED);
    // The orchestrator's answer to the cancel moves nothing on.
    await(coordinator.onResult(done(job(first, "lint"), Conclusion.CANCELLED)));
    assertThat(enqueued).isEmpty();
  }

  @Test
  void closingAPullRequestCancelsItsUnfinishedJobsOnce() throws Exception {
    String group = Jobs.group("acme/w", "pull_request", 7, "refs/pull/7/head");
    await(coordinator.close(group)); // nothing recorded for it: nothing to do
    List<JobRequest> jobs = run("d8", SHA1);
    UUID runId = RunCoordinator.runId("d8");
    await(coordinator.start(runId, jobs));
    await(coordinator.supersede(group, runId, SHA1));
    await(coordinator.onResult(JobResult.started(job(jobs, "lint"), Instant.EPOCH)));
    await(coordinator.onResult(done(job(jobs, "build"), Conclusion.SUCCESS)));
    assertThat(enqueued).extracting(JobRequest::workflowJobId).containsExactly("test");

    await(coordinator.close(group));
    await(coordinator.close(group)); // the same delivery again

    // lint running and test queued get a cancel; deploy was waiting; build's success stands.
    assertThat(cancels)
        .extracting(JobCancel::requestId)
        .containsExactlyInAnyOrder(job(jobs, "lint").requestId(), job(jobs, "test").requestId());
    assertThat(cancels)
        .allSatisfy(
            c -> {
              assertThat(c.reason()).isEqualTo(JobCancel.CLOSED);
              assertThat(c.supersededBy()).isNull();
            });
    assertThat(github.updates)
        .hasSize(3)
        .allSatisfy(
            u -> {
              assertThat(u.conclusion()).isEqualTo("cancelled");
              assertThat(u.output().summary()).startsWith("The pull request was closed");
            });
    assertThat(await(coordinator.state(runId, "build"))).contains("completed:success");
    assertThat(await(coordinator.state(runId, "deploy"))).contains(JobState.CANCELLED);
  }

  @Test
  void aGoneInstallationsHeldJobsAreCancelledWithoutAGitHubCallAndNeverEnqueued() throws Exception {
    List<JobRequest> jobs = run("d6", SHA1);
    UUID runId = RunCoordinator.runId("d6");
    await(coordinator.start(runId, jobs)); // lint and build queued; test and deploy held

    assertThat(await(coordinator.cancelHeld(runId, "installation 1 deleted"))).isEqualTo(2);
    assertThat(await(coordinator.cancelHeld(runId, "installation 1 deleted"))).isZero();

    assertThat(await(coordinator.state(runId, "test"))).contains(JobState.CANCELLED);
    assertThat(await(coordinator.state(runId, "deploy"))).contains(JobState.CANCELLED);
    assertThat(await(coordinator.state(runId, "build"))).contains(JobState.QUEUED);
    assertThat(github.updates).as("no GitHub call").isEmpty();
    await(coordinator.onResult(done(job(jobs, "build"), Conclusion.SUCCESS)));
    assertThat(enqueued).as("a cancelled job is not enqueued once its needs succeed").isEmpty();
  }

  @Test
  void aClaimHeldByAnotherReplicaIsRetriedLater() throws Exception {
    List<JobRequest> jobs = run("d5", SHA1);
    UUID runId = RunCoordinator.runId("d5");
    await(coordinator.start(runId, jobs));
    assertThat(await(store.claim(runId, "test", Duration.ofSeconds(30)))).isTrue();
    Future<Void> f = coordinator.onResult(done(job(jobs, "build"), Conclusion.SUCCESS));
    assertThat(f.failed()).isTrue();
    assertThat(f.cause()).isInstanceOf(ClaimHeldException.class);
    assertThat(Failures.retryable(f.cause())).isTrue();
    await(store.release(runId, "test"));
    await(coordinator.onResult(done(job(jobs, "build"), Conclusion.SUCCESS)));
    assertThat(enqueued).extracting(JobRequest::workflowJobId).containsExactly("test");
  }

  /** Check runs in memory: creates get ids, updates are recorded. */
  static final class FakeGitHub implements GitHubClient {
    final List<CheckRunCreate> creates = new ArrayList<>();
    final List<CheckRunUpdate> updates = new ArrayList<>();
    long ids = 100;

    @Override
    public Future<Optional<RepoFile>> getContent(long i, RepoRef r, String p, String ref) {
      return Future.succeededFuture(Optional.empty());
    }

    @Override
    public synchronized Future<CheckRun> createCheckRun(long i, RepoRef r, CheckRunCreate c) {
      creates.add(c);
      return Future.succeededFuture(
          new CheckRun(
              ++ids,
              c.name(),
              c.headSha(),
              c.status(),
              c.conclusion(),
              c.externalId(),
              null,
              null));
    }

    @Override
    public synchronized Future<CheckRun> updateCheckRun(
        long i, RepoRef r, long id, CheckRunUpdate u) {
      updates.add(u);
      return Future.succeededFuture(
          new CheckRun(id, "x", "y", u.status(), u.conclusion(), null, null, null));
    }

    @Override
    public Future<List<CheckRun>> listCheckRuns(long i, RepoRef r, String ref, CheckRunQuery q) {
      return Future.succeededFuture(List.of());
    }

    @Override
    public Future<ChangedFiles> listPullRequestFiles(long i, RepoRef r, int n) {
      return Future.succeededFuture(new ChangedFiles(List.of(), true));
    }

    @Override
    public Future<ChangedFiles> compareFiles(long i, RepoRef r, String b, String h) {
      return Future.succeededFuture(new ChangedFiles(List.of(), true));
    }

    @Override
    public Future<IssueRef> createIssue(long i, RepoRef r, IssueCreate issue) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<IssueRef> createComment(long i, RepoRef r, int n, String body) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<HookDeliveryPage> listHookDeliveries(String cursor) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Void> redeliver(long deliveryId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Void> verifyAppCredentials() {
      return Future.succeededFuture();
    }

    @Override
    public Future<dev.solstice.integration.github.AppInstallation> getInstallation(long id) {
      return Future.failedFuture(new UnsupportedOperationException());
    }

    @Override
    public void close() {}
  }
}
