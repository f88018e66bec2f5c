package dev.solstice.bench;

import dev.solstice.simulator.github.GitHubSimulator;
import dev.solstice.simulator.github.RecordedCall;
import dev.solstice.simulator.github.SimulatorLauncher;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.function.Predicate;

/** The GitHub API simulator (github-simulator module), set up for load. */
final class SimulatedGitHub implements AutoCloseable {
  static final String WORKFLOW_PATH = SimulatorLauncher.WORKFLOW_PATH;

  /**
   * Two independent jobs. Not {@code needs "build"} on the second: the service enqueues a job with
   * needs only once the JobResults of what it needs arrived (RunCoordinator), and the bench has no
   * orchestrator sending results, so both JobRequests would not be due at the webhook.
   */
  static final String WORKFLOW = SimulatorLauncher.TWO_JOBS;

  static final int JOBS_PER_PUSH = 2;

  private final GitHubSimulator sim;

  private SimulatedGitHub(GitHubSimulator sim) {
    this.sim = sim;
  }

  static SimulatedGitHub start(Vertx vertx) throws Exception {
    return new SimulatedGitHub(SimulatorLauncher.on(vertx).forLoad().start());
  }

  /**
   * Always true now: the simulator records calls in a synchronized list under load ({@link
   * SimulatorLauncher#forLoad()}), not copy-on-write (quadratic, CPU taken from the service).
   */
  boolean callLogSwapped() {
    return true;
  }

  String baseUrl() {
    return sim.baseUrl();
  }

  long appId() {
    return sim.app().id();
  }

  /** Writes the App's private key (PKCS#1, as GitHub hands it out) for GITHUB_APP_KEY_PATH. */
  Path writeAppKey(Path dir) throws Exception {
    return sim.app().writePkcs1Pem(dir.resolve("app-key.pem"));
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

  /**
   * Calls by "operation status", e.g. {@code "repos/get-content 304" -> 12}, in a slice of the log.
   */
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
    return c ->
        c.path().toLowerCase(Locale.ROOT).startsWith(repoPath) || c.path().startsWith(mintPath);
  }

  List<String> schemaViolations() {
    return sim.schemaViolations();
  }

  @Override
  public void close() throws Exception {
    SimulatorLauncher.stop(sim);
  }
}
