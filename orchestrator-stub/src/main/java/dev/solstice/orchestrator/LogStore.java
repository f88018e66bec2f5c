package dev.solstice.orchestrator;

import dev.solstice.jobrequest.JobRequest;
import io.vertx.core.Future;

/** Keeps job logs somewhere a user can fetch them from. */
public interface LogStore extends AutoCloseable {

  /** Gets the store ready (e.g. creates the bucket); called once before the first upload. */
  Future<Void> prepare();

  /**
   * Stores the log of the job.
   *
   * @return the URL of the stored log, or null when this store keeps nothing
   */
  Future<String> upload(JobRequest request, String log);

  @Override
  void close();

  /** A store that keeps nothing: JobResults then carry no log_url. */
  static LogStore disabled() {
    return new LogStore() {
      @Override
      public Future<Void> prepare() {
        return Future.succeededFuture();
      }

      @Override
      public Future<String> upload(JobRequest request, String log) {
        return Future.succeededFuture(null);
      }

      @Override
      public void close() {}
    };
  }
}
