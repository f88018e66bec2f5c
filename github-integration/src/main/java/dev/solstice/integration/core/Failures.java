package dev.solstice.integration.core;

import dev.solstice.jobrequest.JobMessageException;
import java.time.Duration;
import java.util.Optional;

/**
 * What to do with any failure: whether trying the same work again later can succeed, after how
 * long, and one line to say what it was. Our own failures ({@link IntegrationException}) answer for
 * themselves; of the others, an unreadable job message is permanent and anything else is taken as
 * passing (the broker not confirming a publish, a bug fixed by a deploy, a dependency restarting):
 * retried, bounded by the caller's attempt limit, then parked.
 */
public final class Failures {

  private Failures() {}

  public static boolean retryable(Throwable error) {
    Throwable e = unwrap(error);
    if (e instanceof IntegrationException own) {
      return own.retryable();
    }
    return !(e instanceof JobMessageException);
  }

  /**
   * How long to wait before retrying, when the failure says; empty when the caller's schedule
   * decides.
   */
  public static Optional<Duration> retryAfter(Throwable error) {
    Throwable e = unwrap(error);
    return e instanceof IntegrationException own ? own.retryAfter() : Optional.empty();
  }

  /** One line for a header or a log: type and message, no stack. */
  public static String describe(Throwable error) {
    Throwable e = unwrap(error);
    String message = e.getMessage() == null ? "" : ": " + e.getMessage();
    String line = e.getClass().getSimpleName() + message;
    return line.length() > 1000 ? line.substring(0, 1000) + "…" : line;
  }

  private static Throwable unwrap(Throwable e) {
    while ((e instanceof java.util.concurrent.CompletionException
            || e instanceof java.util.concurrent.ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
