package dev.solstice.simulator.github;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The one way the service's tests, the sandbox and the bench stand up a simulated GitHub: the App
 * installed on repositories whose commits carry a workflow file, started and waited for.
 *
 * <pre>{@code
 * GitHubSimulator sim = SimulatorLauncher.on(vertx)
 *     .repository(1, "Codertocat/Hello-World")
 *     .file("Codertocat/Hello-World", RecordedWebhooks.PUSH_SHA, ".solstice/workflow.kdl", SimulatorLauncher.TWO_JOBS)
 *     .start();
 * ...
 * SimulatorLauncher.stop(sim);
 * }</pre>
 */
public final class SimulatorLauncher {

  /** Where the service looks for a repository's workflow. */
  public static final String WORKFLOW_PATH = ".solstice/workflow.kdl";

  /**
   * Two independent jobs (no {@code needs}: both JobRequests are due at the webhook, without an
   * orchestrator sending results).
   */
  public static final String TWO_JOBS =
      """
      job "build" {
          script "make"
      }
      job "test" {
          script "make test"
      }
      """;

  private static final Duration PATIENCE = Duration.ofSeconds(30);

  private final Vertx vertx;
  private final List<Consumer<GitHubSimulator>> setup = new ArrayList<>();

  private SimulatorLauncher(Vertx vertx) {
    this.vertx = vertx;
  }

  public static SimulatorLauncher on(Vertx vertx) {
    return new SimulatorLauncher(vertx);
  }

  /**
   * The App installed (installation {@code installationId}) on {@code repo} ({@code owner/name}).
   */
  public SimulatorLauncher repository(long installationId, String repo) {
    setup.add(sim -> sim.installation(installationId, repo));
    return this;
  }

  /** {@code text} at {@code path} in {@code repo} at commit {@code sha}. */
  public SimulatorLauncher file(String repo, String sha, String path, String text) {
    setup.add(sim -> sim.putFile(repo, sha, path, text));
    return this;
  }

  /** The workflow file of {@code repo} at {@code sha}. */
  public SimulatorLauncher workflow(String repo, String sha, String kdl) {
    return file(repo, sha, WORKFLOW_PATH, kdl);
  }

  /**
   * Set up for load: no rate limit to speak of (GitHub's 5,000 requests an hour per installation
   * would stop a load test within seconds) and a call log that does not copy itself per request.
   */
  public SimulatorLauncher forLoad() {
    setup.add(
        sim -> {
          sim.rateLimit(1_000_000_000L);
          sim.cheapCallLog();
        });
    return this;
  }

  /** Starts the simulator on a free port of 127.0.0.1 and applies the setup; waits up to 30 s. */
  public GitHubSimulator start() throws InterruptedException, ExecutionException, TimeoutException {
    GitHubSimulator sim =
        GitHubSimulator.start(vertx)
            .toCompletionStage()
            .toCompletableFuture()
            .get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    setup.forEach(step -> step.accept(sim));
    return sim;
  }

  /** Stops the simulator; waits up to 30 s. */
  public static void stop(GitHubSimulator sim)
      throws InterruptedException, ExecutionException, TimeoutException {
    sim.close()
        .toCompletionStage()
        .toCompletableFuture()
        .get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
  }
}
