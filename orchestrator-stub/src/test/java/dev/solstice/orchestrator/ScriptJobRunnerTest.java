package dev.solstice.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.solstice.jobrequest.Conclusion;
import dev.solstice.jobrequest.GitHubAccess;
import dev.solstice.jobrequest.JobRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ScriptJobRunnerTest {

  private static Vertx vertx;
  private static ScriptJobRunner runner;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
    runner = new ScriptJobRunner(vertx);
  }

  @AfterAll
  static void closeVertx() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private static RunOutcome run(
      List<String> script, Map<String, String> env, Integer timeoutSeconds) throws Exception {
    return runner.run(TestJobs.job(script, env, timeoutSeconds)).await(30, TimeUnit.SECONDS);
  }

  /** Whether a process with this in its command line runs. */
  static boolean running(String command) {
    return ProcessHandle.allProcesses()
        .anyMatch(p -> p.info().commandLine().orElse("").contains(command));
  }

  @Test
  void scriptExitingZeroSucceedsAndItsOutputIsLogged() throws Exception {
    RunOutcome outcome =
        run(List.of("echo hello from the job", "echo to stderr >&2"), Map.of(), 10);

    assertThat(outcome.conclusion()).isEqualTo(Conclusion.SUCCESS);
    assertThat(outcome.log())
        .contains("+ echo hello from the job\n", "hello from the job\n", "to stderr\n");
  }

  @Test
  void nonZeroExitFailsWithTheExitCodeInTheSummary() throws Exception {
    RunOutcome outcome = run(List.of("echo before", "exit 3", "echo never"), Map.of(), 10);

    assertThat(outcome.conclusion()).isEqualTo(Conclusion.FAILURE);
    assertThat(outcome.summary()).contains("exit code 3");
    assertThat(outcome.log()).containsPattern("(?m)^before$").doesNotContainPattern("(?m)^never$");
  }

  @Test
  void failingCommandStopsTheScriptBecauseOfBashDashE() throws Exception {
    RunOutcome outcome = run(List.of("false", "echo unreachable"), Map.of(), 10);

    assertThat(outcome.conclusion()).isEqualTo(Conclusion.FAILURE);
    assertThat(outcome.summary()).contains("exit code 1");
    assertThat(outcome.log()).doesNotContainPattern("(?m)^unreachable$");
  }

  @Test
  void scriptOverItsTimeoutIsKilledWithItsChildrenAndTimesOut() throws Exception {
    // A marker argument lets us find the child process afterwards.
    String marker = "31." + System.nanoTime() % 1000;
    long start = System.nanoTime();
    RunOutcome outcome = run(List.of("echo sleeping", "sleep " + marker), Map.of(), 1);

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(outcome.conclusion()).isEqualTo(Conclusion.TIMED_OUT);
    assertThat(outcome.summary()).contains("timed out after 1 s");
    assertThat(outcome.log()).contains("sleeping\n");
    await().atMost(Duration.ofSeconds(5)).until(() -> !running("sleep " + marker));
  }

  @Test
  void aCancelledScriptIsStoppedWithItsChildrenAndReportedCancelledWithItsLogSoFar()
      throws Exception {
    String marker = "59." + System.nanoTime() % 1000;
    Promise<String> cancel = Promise.promise();
    Future<RunOutcome> running =
        runner.run(
            TestJobs.job(List.of("echo working", "sleep " + marker), Map.of(), 120),
            cancel.future());
    await().atMost(Duration.ofSeconds(10)).until(() -> running("sleep " + marker));
    long start = System.nanoTime();

    vertx.runOnContext(v -> cancel.complete("superseded"));

    RunOutcome outcome = running.await(30, TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(outcome.conclusion()).isEqualTo(Conclusion.CANCELLED);
    assertThat(outcome.summary()).contains("while it ran", "superseded");
    assertThat(outcome.log()).contains("working\n", "stopped after");
    await().atMost(Duration.ofSeconds(5)).until(() -> !running("sleep " + marker));
  }

  @Test
  void jobSeesItsEnvOverAMinimalEnvironmentAndNotTheStubs() throws Exception {
    RunOutcome outcome =
        run(
            List.of(
                "echo \"GREETING=$GREETING CI=$CI\"", "env | cut -d= -f1 | sort | tr '\\n' ' '"),
            Map.of("GREETING", "hi", "CI", "job-says"),
            10);

    assertThat(outcome.conclusion()).isEqualTo(Conclusion.SUCCESS);
    assertThat(outcome.log()).contains("GREETING=hi CI=job-says");
    String names =
        outcome
            .log()
            .lines()
            .filter(l -> l.contains("SOLSTICE_REQUEST_ID") && !l.startsWith("+"))
            .findFirst()
            .orElseThrow();
    Set<String> seen = Arrays.stream(names.trim().split(" ")).collect(Collectors.toSet());
    assertThat(seen)
        .isSubsetOf(
            "CI",
            "GREETING",
            "HOME",
            "LANG",
            "PATH",
            "PWD",
            "SHLVL",
            "SOLSTICE_REQUEST_ID",
            "TMPDIR",
            "_",
            "OLDPWD");
  }

  @Test
  void aJobWithAGatewayTokenSeesItAsActionsDoesAndItsLogNeverShowsIt() throws Exception {
    String token = "sjt_" + "t".repeat(43);
    JobRequest job =
        TestJobs.job(
                List.of(
                    "echo \"api=$GITHUB_API_URL repo=$GITHUB_REPOSITORY\"",
                    "echo \"token=$GITHUB_TOKEN\""),
                Map.of(),
                10)
            .withGitHub(
                new GitHubAccess(
                    "http://127.0.0.1:8090",
                    token,
                    java.time.Instant.now().plusSeconds(600),
                    Map.of("contents", "read")));
    RunOutcome outcome = runner.run(job).await(30, TimeUnit.SECONDS);

    assertThat(outcome.conclusion()).isEqualTo(Conclusion.SUCCESS);
    assertThat(outcome.log())
        .contains("api=http://127.0.0.1:8090 repo=Codertocat/Hello-World")
        .contains("token=***")
        .doesNotContain(token);
  }

  @Test
  void temporaryDirectoryIsRemovedAfterTheJob() throws Exception {
    RunOutcome outcome = run(List.of("echo \"home=$HOME\"", "touch leftover.txt"), Map.of(), 10);

    Matcher home = Pattern.compile("(?m)^home=(.+)$").matcher(outcome.log());
    assertThat(home.find()).isTrue();
    Path workDir = Path.of(home.group(1));
    assertThat(workDir.getFileName().toString()).isEqualTo("work");
    assertThat(Files.exists(workDir.getParent())).isFalse();
  }
}
