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

  /**
   * Stores part {@code number} of the log of a job that still runs (docs/messages.md, "Live logs").
   * Parts are uploaded one after the other, numbered from 1 without gaps; the final {@link #upload}
   * comes after the last.
   */
  default Future<Void> uploadPart(JobRequest request, int number, String text) {
    return Future.succeededFuture();
  }

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
