package dev.solstice.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.waitAtMost;

import dev.solstice.jobrequest.Conclusion;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Both runners hand the log over while the job runs, as a prefix of the final log. */
class RunnerLogSinkTest {

  private static Vertx vertx;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aSimulatedJobPrintsItsLinesOverItsDuration() throws Exception {
    StringBuffer live = new StringBuffer();
    SimulatedJobRunner runner =
        new SimulatedJobRunner(vertx, Conclusion.SUCCESS, Duration.ofSeconds(30), 4);
    Promise<String> cancel = Promise.promise();
    Future<RunOutcome> outcome =
        runner.run(TestJobs.job(List.of("make"), Map.of()), cancel.future(), live::append);
    // The header at once, then "+ make" and the steps one by one, before the job's time is up.
    waitAtMost(Duration.ofSeconds(20)).until(() -> live.toString().contains("+ make\n"));
    waitAtMost(Duration.ofSeconds(20)).until(() -> live.toString().contains("step 1 of 4\n"));
    assertThat(outcome.isComplete()).isFalse();
    cancel.complete("superseded");
    RunOutcome done = outcome.await(10, TimeUnit.SECONDS);
    assertThat(done.conclusion()).isEqualTo(Conclusion.CANCELLED);
    assertThat(done.log()).startsWith(live.toString());
  }

  @Test
  void aScriptsOutputReachesTheSinkWhileItRuns() throws Exception {
    StringBuffer live = new StringBuffer();
    Promise<String> cancel = Promise.promise();
    Future<RunOutcome> outcome =
        new ScriptJobRunner(vertx)
            .run(
                TestJobs.job(
                    List.of(
                        "printf 'out-%s\\n' one",
                        "while [ ! -e stop ]; do sleep 0.1; done", "printf 'out-%s\\n' two"),
                    Map.of()),
                cancel.future(),
                live::append);
    waitAtMost(Duration.ofSeconds(20)).until(() -> live.toString().contains("out-one\n"));
    assertThat(outcome.isComplete()).isFalse();
    assertThat(live.toString())
        .startsWith("[solstice-stub] executing job ")
        .doesNotContain("out-two");
    cancel.complete("superseded");
    RunOutcome done = outcome.await(30, TimeUnit.SECONDS);
    assertThat(done.log()).startsWith(live.toString());
  }
}
