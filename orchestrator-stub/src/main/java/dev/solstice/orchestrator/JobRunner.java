package dev.solstice.orchestrator;

import dev.solstice.jobrequest.JobRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Runs one job to its end and reports how it went. Implementations never block the calling event
 * loop.
 */
public interface JobRunner {

  /**
   * Runs the job.
   *
   * @return the outcome; a failed future only for faults of the stub itself (a failing job is a
   *     successful future with conclusion {@code failure})
   */
  Future<RunOutcome> run(JobRequest request);

  /**
   * The runner the settings ask for: {@link ScriptJobRunner} with {@code --execute}, else {@link
   * SimulatedJobRunner}.
   */
  static JobRunner of(Vertx vertx, StubSettings settings) {
    return settings.execute()
        ? new ScriptJobRunner(vertx)
        : new SimulatedJobRunner(vertx, settings.defaultOutcome(), settings.defaultDuration());
  }
}
