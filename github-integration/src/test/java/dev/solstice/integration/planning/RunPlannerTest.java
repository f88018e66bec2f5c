package dev.solstice.integration.planning;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solstice.integration.core.JobState;
import dev.solstice.integration.core.RequestIds;
import dev.solstice.integration.core.RunStep;
import dev.solstice.jobrequest.JobRequest;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Decisions on a recorded run (lint; build; test needs build; deploy needs test and lint), from
 * state alone.
 */
class RunPlannerTest {

  private static final Map<String, JobRequest> JOBS = new LinkedHashMap<>();

  static {
    add("lint");
    add("build");
    add("test", "build");
    add("deploy", "test", "lint");
  }

  private static void add(String id, String... needs) {
    JOBS.put(
        id,
        JobRequest.builder(
                RequestIds.of("d", id), "https://github.com/acme/w.git", "abc", Instant.EPOCH)
            .workflow(".solstice/workflow.kdl", id)
            .needs(List.of(needs))
            .build());
  }

  private static Map<String, String> states(String... pairs) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    return m;
  }

  private static List<String> enqueued(RunStep step) {
    return step.enqueue().stream().map(JobRequest::workflowJobId).toList();
  }

  @Test
  void aSuccessEnqueuesTheWaitingJobsWhoseNeedsAllSucceeded() {
    RunStep step =
        RunPlanner.afterResult(
            "build",
            "success",
            JOBS,
            states("lint", JobState.QUEUED, "build", JobState.completed("success")));
    assertThat(enqueued(step)).containsExactly("test");
    assertThat(step.skip()).isEmpty();
  }

  @Test
  void aJobWaitsWhileOneOfItsNeedsHasNotSucceeded() {
    RunStep step =
        RunPlanner.afterResult(
            "test",
            "success",
            JOBS,
            states(
                "lint",
                JobState.STARTED,
                "build",
                JobState.completed("success"),
                "test",
                JobState.completed("success")));
    assertThat(step).isEqualTo(RunStep.NONE);
    RunStep later =
        RunPlanner.afterResult(
            "lint",
            "success",
            JOBS,
            states(
                "lint",
                JobState.completed("success"),
                "build",
                JobState.completed("success"),
                "test",
                JobState.completed("success")));
    assertThat(enqueued(later)).containsExactly("deploy");
  }

  @Test
  void aFailureSkipsEveryWaitingJobThatNeedsItTransitivelySayingWhy() {
    RunStep step =
        RunPlanner.afterResult(
            "build",
            "failure",
            JOBS,
            states("lint", JobState.QUEUED, "build", JobState.completed("failure")));
    assertThat(step.enqueue()).isEmpty();
    assertThat(step.skip())
        .extracting(s -> s.job().workflowJobId())
        .containsExactly("test", "deploy");
    assertThat(step.skip().get(0).summary()).isEqualTo("Not run: `build` concluded `failure`.");
    assertThat(step.skip().get(1).summary()).contains("`build`, which `test`, `lint` needs");
  }

  @Test
  void aJobAlreadyMovedOnIsNeitherEnqueuedNorSkippedAgain() {
    RunStep step =
        RunPlanner.afterResult(
            "build",
            "success",
            JOBS,
            states("build", JobState.completed("success"), "test", JobState.QUEUED));
    assertThat(step).isEqualTo(RunStep.NONE);
    assertThat(
            RunPlanner.afterResult(
                "build",
                "cancelled",
                JOBS,
                states(
                    "build",
                    JobState.completed("cancelled"),
                    "test",
                    JobState.SKIPPED,
                    "deploy",
                    JobState.SKIPPED)))
        .isEqualTo(RunStep.NONE);
  }

  @Test
  void aSupersededRunCancelsEveryJobNotFinishedRunningOnesToo() {
    assertThat(
            RunPlanner.cancellable(
                JOBS,
                states(
                    "lint",
                    JobState.STARTED,
                    "build",
                    JobState.QUEUED,
                    "test",
                    JobState.completed("success"))))
        .extracting(JobRequest::workflowJobId)
        .containsExactly("lint", "build", "deploy");
  }
}
