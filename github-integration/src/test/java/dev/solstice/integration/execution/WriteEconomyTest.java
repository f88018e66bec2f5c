package dev.solstice.integration.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solstice.integration.checks.CheckRunMap;
import dev.solstice.integration.checks.CheckRunReporter;
import dev.solstice.integration.core.CheckNames;
import dev.solstice.integration.core.RequestIds;
import dev.solstice.integration.workflow.Workflow;
import dev.solstice.jobrequest.Conclusion;
import dev.solstice.jobrequest.JobRequest;
import dev.solstice.jobrequest.JobResult;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Issue 14, write economy: a check run we completed is never written again. */
class WriteEconomyTest {

  private final Clock clock = Clock.fixed(Instant.parse("2026-12-07T10:00:00Z"), ZoneOffset.UTC);
  private final RunCoordinatorTest.FakeGitHub github = new RunCoordinatorTest.FakeGitHub();
  private final CheckRunReporter checks =
      new CheckRunReporter(
          github,
          CheckRunMap.inMemory(),
          new CheckNames("Solstice CI"),
          dev.solstice.integration.core.JobLinks.logs(null),
          7,
          clock);

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private JobRequest queued() throws Exception {
    JobRequest j =
        JobRequest.builder(
                RequestIds.of("d1", "build"),
                "https://github.com/acme/w.git",
                "1111111111111111111111111111111111111111",
                clock.instant())
            .workflow(Workflow.PATH, "build")
            .repository("acme/w")
            .installationId(1L)
            .event("push")
            .deliveryId("d1")
            .script(List.of("make"))
            .build();
    return await(checks.queue(j));
  }

  private static JobResult done(JobRequest j) {
    return JobResult.completed(
        j, Conclusion.SUCCESS, Instant.EPOCH, Instant.EPOCH, null, null, null, List.of());
  }

  @Test
  void aRedeliveredResultForACompletedRunIsNotWrittenAgain() throws Exception {
    JobRequest job = queued();
    await(checks.report(done(job)));
    await(checks.report(done(job)));
    assertThat(github.creates).hasSize(1);
    assertThat(github.updates).hasSize(1);
    assertThat(github.updates.get(0).status()).isEqualTo("completed");
  }

  @Test
  void aLateStartedResultDoesNotReopenACompletedRun() throws Exception {
    JobRequest job = queued();
    await(checks.report(done(job)));
    await(checks.report(JobResult.started(job, Instant.EPOCH)));
    assertThat(github.updates).hasSize(1);
    assertThat(github.updates.get(0).status()).isEqualTo("completed");
  }

  @Test
  void aCancelAfterTheJobFinishedKeepsItsConclusion() throws Exception {
    JobRequest job = queued();
    await(checks.report(done(job)));
    await(checks.complete(job, "cancelled", "Cancelled", "superseded"));
    assertThat(github.updates).hasSize(1);
    assertThat(github.updates.get(0).conclusion()).isEqualTo("success");
  }

  @Test
  void cancellingARunningJobWhoseResultWasWrittenKeepsTheResult() throws Exception {
    JobRequest job = queued();
    await(checks.report(done(job)));
    await(checks.completeUntilResult(job, "cancelled", "Cancelled", "closed, while it ran."));
    assertThat(github.updates).hasSize(1);
    assertThat(github.updates.get(0).conclusion()).isEqualTo("success");
  }

  @Test
  void aResultForAJobWithoutACheckRunCreatesItOnceAlreadyCompleted() throws Exception {
    JobRequest job =
        JobRequest.builder(
                RequestIds.of("d2", "build"),
                "https://github.com/acme/w.git",
                "2222222222222222222222222222222222222222",
                clock.instant())
            .workflow(Workflow.PATH, "build")
            .repository("acme/w")
            .installationId(1L)
            .event("push")
            .deliveryId("d2")
            .script(List.of("make"))
            .build();
    await(checks.report(done(job)));
    await(checks.report(done(job)));
    assertThat(github.creates).hasSize(1);
    assertThat(github.creates.get(0).status()).isEqualTo("completed");
    assertThat(github.updates).isEmpty();
  }
}
