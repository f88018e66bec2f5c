package dev.solstice.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solstice.jobrequest.Conclusion;
import dev.solstice.jobrequest.JobRequest;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SimulatedJobRunnerTest {

  private static Vertx vertx;
  private final SimulatedJobRunner runner =
      new SimulatedJobRunner(vertx, Conclusion.SUCCESS, Duration.ofMillis(200));

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void jobWithoutOverridesGetsTheConfiguredDefaults() {
    SimulatedJobRunner.Plan plan = runner.plan(TestJobs.job(List.of("make"), Map.of("CI", "true")));

    assertThat(plan.conclusion()).isEqualTo(Conclusion.SUCCESS);
    assertThat(plan.duration()).isEqualTo(Duration.ofMillis(200));
    assertThat(plan.notes()).isEmpty();
  }

  @Test
  void jobEnvChoosesOutcomeAndDurationIgnoringCase() {
    SimulatedJobRunner.Plan plan =
        runner.plan(
            TestJobs.job(
                List.of("make"),
                Map.of("SOLSTICE_STUB_OUTCOME", "Timed_Out", "SOLSTICE_STUB_DURATION_MS", "1500")));

    assertThat(plan.conclusion()).isEqualTo(Conclusion.TIMED_OUT);
    assertThat(plan.duration()).isEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void configuredDefaultOutcomeAppliesToJobsThatDoNotChoose() {
    SimulatedJobRunner failing = new SimulatedJobRunner(vertx, Conclusion.FAILURE, Duration.ZERO);

    assertThat(failing.plan(TestJobs.job(List.of("make"), Map.of())).conclusion())
        .isEqualTo(Conclusion.FAILURE);
    assertThat(
            failing
                .plan(TestJobs.job(List.of("make"), Map.of("SOLSTICE_STUB_OUTCOME", "neutral")))
                .conclusion())
        .isEqualTo(Conclusion.NEUTRAL);
  }

  @Test
  void unusableOverridesFallBackToTheDefaultsWithANote() {
    SimulatedJobRunner.Plan plan =
        runner.plan(
            TestJobs.job(
                List.of("make"),
                Map.of("SOLSTICE_STUB_OUTCOME", "exploded", "SOLSTICE_STUB_DURATION_MS", "-1")));

    assertThat(plan.conclusion()).isEqualTo(Conclusion.SUCCESS);
    assertThat(plan.duration()).isEqualTo(Duration.ofMillis(200));
    assertThat(plan.notes())
        .hasSize(2)
        .anySatisfy(note -> assertThat(note).contains("SOLSTICE_STUB_OUTCOME=\"exploded\""))
        .anySatisfy(note -> assertThat(note).contains("SOLSTICE_STUB_DURATION_MS=\"-1\""));
  }

  @Test
  void runWaitsTheDurationAndLogsTheScriptLines() throws Exception {
    JobRequest job =
        TestJobs.job(
            List.of("mvn -B verify", "echo done"),
            Map.of("SOLSTICE_STUB_OUTCOME", "failure", "SOLSTICE_STUB_DURATION_MS", "300"));

    long start = System.nanoTime();
    RunOutcome outcome = runner.run(job).await(10, TimeUnit.SECONDS);
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(tookMs).isGreaterThanOrEqualTo(300);
    assertThat(outcome.conclusion()).isEqualTo(Conclusion.FAILURE);
    assertThat(outcome.summary()).contains("failure", "300 ms");
    assertThat(outcome.log())
        .contains("+ mvn -B verify\n", "+ echo done\n", job.requestId().toString());
  }

  @Test
  void logTailKeepsTheEndOfALongLogWithoutSplittingASurrogatePair() {
    String log = "x".repeat(70_000) + "\uD83D\uDE00" + "y".repeat(RunOutcome.MAX_TAIL_CHARS - 1);
    RunOutcome outcome = new RunOutcome(Conclusion.SUCCESS, "ok", log);

    assertThat(outcome.logTail()).hasSize(RunOutcome.MAX_TAIL_CHARS - 1).matches("y+");
    assertThat(new RunOutcome(Conclusion.SUCCESS, "ok", "short").logTail()).isEqualTo("short");
  }
}
