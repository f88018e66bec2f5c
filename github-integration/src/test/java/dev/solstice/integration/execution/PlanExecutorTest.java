package dev.solstice.integration.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solstice.integration.checks.CheckRunMap;
import dev.solstice.integration.checks.CheckRunReporter;
import dev.solstice.integration.core.CheckNames;
import dev.solstice.integration.core.Plan;
import dev.solstice.integration.core.PullRequestRef;
import dev.solstice.integration.core.RequestIds;
import dev.solstice.integration.planning.Jobs;
import dev.solstice.integration.planning.Step;
import dev.solstice.integration.workflow.Workflow;
import dev.solstice.jobrequest.JobRequest;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Plans carried out against an in-memory GitHub: each effect once, in order, even when replayed.
 */
class PlanExecutorTest {

  private static final String SHA = "1111111111111111111111111111111111111111";

  private final Clock clock = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
  private final RunCoordinatorTest.FakeGitHub github = new RunCoordinatorTest.FakeGitHub();
  private final CheckRunReporter checks =
      new CheckRunReporter(
          github,
          CheckRunMap.inMemory(),
          new CheckNames("Solstice CI"),
          dev.solstice.integration.core.JobLinks.logs(null),
          7,
          clock);
  private final RunStore store = RunStore.inMemory(clock);
  private final RunCoordinator runs =
      new RunCoordinator(
          store, checks, j -> Future.succeededFuture(), c -> Future.succeededFuture(), clock);
  private final List<JobRequest> published = new ArrayList<>();
  private final PlanExecutor executor =
      new PlanExecutor(
          new PlanExecutor.GitHubSide(github, checks, runs),
          jobs -> {
            published.addAll(jobs);
            return Future.succeededFuture();
          },
          n -> {});

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private JobRequest job(String id, List<String> needs) {
    return JobRequest.builder(
            RequestIds.of("d1", id), "https://github.com/acme/w.git", SHA, clock.instant())
        .workflow(Workflow.PATH, id)
        .repository("acme/w")
        .installationId(1L)
        .event("push")
        .ref("refs/heads/main")
        .deliveryId("d1")
        .needs(needs)
        .script(List.of("make"))
        .build();
  }

  private static Plan.Target target(Long installation) {
    return new Plan.Target("d1", "push", "acme/w", SHA, installation);
  }

  @Test
  void createsQueuedRunsInFileOrderRecordsTheRunAndPublishesOnlyJobsWithoutNeeds()
      throws Exception {
    UUID runId = Jobs.runId("d1");
    Plan plan =
        new Plan(
            target(1L),
            List.of(job("build", List.of()), job("test", List.of("build"))),
            runId,
            new Plan.Supersede("acme/w:refs/heads/main", runId, SHA),
            null,
            null,
            null);

    await(executor.execute(plan));

    assertThat(github.creates)
        .extracting(c -> c.name())
        .containsExactly("Solstice CI / build", "Solstice CI / test");
    assertThat(github.creates).allSatisfy(c -> assertThat(c.status()).isEqualTo("queued"));
    assertThat(published)
        .singleElement()
        .satisfies(
            j -> {
              assertThat(j.workflowJobId()).isEqualTo("build");
              assertThat(j.checkRunId()).isNotNull();
            });
    assertThat(await(store.jobs(runId))).containsOnlyKeys("build", "test");
    assertThat(await(store.head("acme/w:refs/heads/main")))
        .hasValueSatisfying(h -> assertThat(h.runId()).isEqualTo(runId));

    // The same delivery carried out again (a crash before its ack): the same check runs, no new
    // ones.
    await(executor.execute(plan));
    assertThat(github.creates).hasSize(2);
    assertThat(published)
        .extracting(JobRequest::requestId)
        .containsOnly(RequestIds.of("d1", "build"));
  }

  @Test
  void aForksReRunIsJudgedByTheOpenPullRequestWhoseHeadIsItsCommit() {
    PullRequestRef closed = pull(1, "closed", SHA);
    PullRequestRef otherHead = pull(2, "open", "2222222222222222222222222222222222222222");
    PullRequestRef open = pull(3, "open", SHA);
    PullRequestRef alsoOpen = pull(4, "open", SHA);
    List<PullRequestRef> listed = List.of(closed, otherHead, open, alsoOpen);

    assertThat(
            PlanExecutor.pullRequestOf(
                new Step.ReadPullRequestOfCommit(1, "acme/w", SHA, null), listed))
        .isEqualTo(open);
    assertThat(
            PlanExecutor.pullRequestOf(
                new Step.ReadPullRequestOfCommit(1, "acme/w", SHA, 4), listed))
        .as("the one the event named")
        .isEqualTo(alsoOpen);
    assertThat(
            PlanExecutor.pullRequestOf(
                new Step.ReadPullRequestOfCommit(1, "acme/w", SHA, null), List.of(closed)))
        .isEqualTo(PullRequestRef.NONE);
  }

  private static PullRequestRef pull(int number, String state, String head) {
    return new PullRequestRef(
        number, state, head, "fork/w", "acme/w", "main", SHA, "forker", "CONTRIBUTOR");
  }

  @Test
  void completesNotRunChecksWithTheReasonAndPublishesNothing() throws Exception {
    Plan plan =
        new Plan(
            target(1L),
            List.of(),
            null,
            null,
            new Plan.NotRun(
                "skipped",
                "Skipped",
                "[skip ci] in the" + " commit message",
                List.of(new Plan.Check(RequestIds.of("d1", "build"), "build"))),
            null,
            "not running");

    await(executor.execute(plan));
    await(executor.execute(plan));

    assertThat(github.creates)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.conclusion()).isEqualTo("skipped");
              assertThat(c.name()).isEqualTo("Solstice CI / build");
            });
    assertThat(published).isEmpty();
  }

  @Test
  void withoutAnInstallationPublishesWithoutTouchingGitHub() throws Exception {
    await(executor.execute(Plan.run(target(null), List.of(job("build", List.of())), null)));

    assertThat(github.creates).isEmpty();
    assertThat(published).extracting(JobRequest::workflowJobId).containsExactly("build");
  }
}
