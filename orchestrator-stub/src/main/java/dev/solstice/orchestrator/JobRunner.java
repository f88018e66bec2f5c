package dev.solstice.orchestrator;

import dev.solstice.jobrequest.JobRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * Runs one job to its end and reports how it went. Implementations never block the calling event
 * loop.
 */
public interface JobRunner {

  /**
   * Runs the job, and stops it early when {@code cancel} completes (a {@code jobcancel.v1}
   * arrived).
   *
   * @param cancel completes with the cancel's reason ({@code superseded}, {@code closed}, ...); may
   *     already be complete, or never complete
   * @param log takes the log while the job runs; what it gets is a prefix of the outcome's log
   * @return the outcome, {@code cancelled} when stopped by {@code cancel}; a failed future only for
   *     faults of the stub itself (a failing job is a successful future with conclusion {@code
   *     failure})
   */
  Future<RunOutcome> run(JobRequest request, Future<String> cancel, LogSink log);

  /** As {@link #run(JobRequest, Future, LogSink)}, the log only in the outcome. */
  default Future<RunOutcome> run(JobRequest request, Future<String> cancel) {
    return run(request, cancel, LogSink.NONE);
  }

  /** Runs the job to its end. */
  default Future<RunOutcome> run(JobRequest request) {
    return run(request, Promise.<String>promise().future());
  }

  /**
   * The runner the settings ask for: {@link ScriptJobRunner} with {@code --execute}, else {@link
   * SimulatedJobRunner}.
   */
  static JobRunner of(Vertx vertx, StubSettings settings) {
    return settings.execute()
        ? new ScriptJobRunner(vertx)
        : new SimulatedJobRunner(
            vertx,
            settings.defaultOutcome(),
            settings.defaultDuration(),
            settings.defaultLogLines());
  }
}
