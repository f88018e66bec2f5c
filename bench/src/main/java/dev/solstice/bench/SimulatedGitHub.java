package dev.solstice.bench;

import dev.solstice.simulator.github.GitHubSimulator;
import dev.solstice.simulator.github.RecordedCall;
import io.vertx.core.Vertx;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** The GitHub API simulator (github-simulator module), set up for load. */
final class SimulatedGitHub implements AutoCloseable {
  static final String WORKFLOW_PATH = ".solstice/workflow.kdl";
  /**
   * Two independent jobs. Not {@code needs "build"} on the second: the service enqueues a job with
   * needs only once the JobResults of what it needs arrived (RunCoordinator), and the bench has no
   * orchestrator sending results, so both JobRequests would not be due at the webhook.
   */
  static final String WORKFLOW = """
      job "build" {
          script "make"
      }
      job "test" {
          script "make test"
      }
      """;
  static final int JOBS_PER_PUSH = 2;

  private final GitHubSimulator sim;
  private final boolean callLogSwapped;

  private SimulatedGitHub(GitHubSimulator sim, boolean callLogSwapped) {
    this.sim = sim;
    this.callLogSwapped = callLogSwapped;
  }

  static SimulatedGitHub start(Vertx vertx) throws Exception {
    GitHubSimulator sim = GitHubSimulator.start(vertx).toCompletionStage().toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    // GitHub's 5,000 requests/hour per installation would stop a load test within seconds.
    sim.rateLimit(1_000_000_000L);
    return new SimulatedGitHub(sim, swapCallLog(sim));
  }

  /**
   * The simulator records every call in a CopyOnWriteArrayList, which copies the whole log on each
   * request: fine for tests, quadratic under load, and that CPU would be taken from the service on
   * the same two cores. Swap in a synchronized ArrayList (calls() copies it through toArray, which
   * is synchronized). Returns false, and leaves the simulator as it is, if that is not possible.
   */
  private static boolean swapCallLog(GitHubSimulator sim) {
    try {
      Field f = GitHubSimulator.class.getDeclaredField("calls");
      f.setAccessible(true);
      f.set(sim, Collections.synchronizedList(new ArrayList<RecordedCall>()));
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      System.err.println("note: could not swap the simulator's call log (" + e + "); it stays copy-on-write");
      return false;
    }
  }

  boolean callLogSwapped() {
    return callLogSwapped;
  }

  String baseUrl() {
    return sim.baseUrl();
  }

  long appId() {
    return sim.app().id();
  }

  /** Writes the App's private key (PKCS#1, as GitHub hands it out) for GITHUB_APP_KEY_PATH. */
  Path writeAppKey(Path dir) throws Exception {
    Path pem = dir.resolve("app-key.pem");
    Files.writeString(pem, sim.app().pkcs1Pem());
    return pem;
  }

  /** Installs the App on the repository and serves the two-job workflow at {@code sha}. */
  void addRepository(WebhookCorpus.Signed repo, String sha) {
    sim.installation(repo.installationId(), repo.repository());
    serveWorkflow(repo.repository(), sha);
  }

  void serveWorkflow(String repository, String sha) {
    sim.putFile(repository, sha, WORKFLOW_PATH, WORKFLOW);
  }

  List<RecordedCall> calls() {
    return sim.calls();
  }

  int callCount() {
    return sim.calls().size();
  }

  /** Calls by "operation status", e.g. {@code "repos/get-content 304" -> 12}, in a slice of the log. */
  static TreeMap<String, Long> tally(List<RecordedCall> calls, Predicate<RecordedCall> which) {
    TreeMap<String, Long> out = new TreeMap<>();
    for (RecordedCall c : calls) {
      if (which.test(c)) {
        out.merge(c.operation() + " " + c.status(), 1L, Long::sum);
      }
    }
    return out;
  }

  /** Calls that concern one installation and its repository (mints go to /app/installations/ID). */
  static Predicate<RecordedCall> about(long installationId, String repository) {
    String repoPath = "/repos/" + repository.toLowerCase(Locale.ROOT) + "/";
    String mintPath = "/app/installations/" + installationId + "/";
    return c -> c.path().toLowerCase(Locale.ROOT).startsWith(repoPath) || c.path().startsWith(mintPath);
  }

  List<String> schemaViolations() {
    return sim.schemaViolations();
  }

  @Override
  public void close() throws Exception {
    sim.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
