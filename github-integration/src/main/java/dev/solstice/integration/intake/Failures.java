package dev.solstice.integration.intake;

import dev.solstice.platform.amqp.PublishException;
import dev.solstice.integration.github.GitHubApiException;
import dev.solstice.integration.github.NotAFileException;
import dev.solstice.integration.webhook.InvalidWebhookException;
import dev.solstice.jobrequest.JobMessageException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Whether trying the same delivery again later can succeed. */
public final class Failures {

  private Failures() {
  }

  public static boolean retryable(Throwable error) {
    Throwable e = unwrap(error);
    if (e instanceof InvalidWebhookException || e instanceof JobMessageException) {
      return false;
    }
    if (e instanceof GitHubApiException g) {
      return g.retryable();
    }
    if (e instanceof NotAFileException) {
      return false;
    }
    if (e instanceof PublishException p) {
      return p.retryable();
    }
    if (e instanceof Retryable r) {
      return r.retryable();
    }
    // Unknown errors may be passing ones (a bug fixed by a deploy, a dependency restarting): retry,
    // bounded by the attempt limit, then park.
    return true;
  }

  /** A failure that knows whether it is worth retrying. */
  public interface Retryable {
    boolean retryable();
  }

  /** How long to wait at least before trying again, when the failure says (GitHub's rate-limit reset). */
  public static Optional<Duration> retryAfter(Throwable error) {
    Throwable e = unwrap(error);
    if (e instanceof GitHubApiException.RateLimited r) {
      return r.retryAt().map(at -> Duration.between(Instant.now(), at)).filter(d -> !d.isNegative());
    }
    return Optional.empty();
  }

  /** One line for a header or a log: type and message, no stack. */
  public static String describe(Throwable error) {
    Throwable e = unwrap(error);
    String message = e.getMessage() == null ? "" : ": " + e.getMessage();
    String line = e.getClass().getSimpleName() + message;
    return line.length() > 1000 ? line.substring(0, 1000) + "…" : line;
  }

  private static Throwable unwrap(Throwable e) {
    while ((e instanceof java.util.concurrent.CompletionException || e instanceof java.util.concurrent.ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

}
