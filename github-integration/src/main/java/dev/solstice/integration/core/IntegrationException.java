package dev.solstice.integration.core;

import java.time.Duration;
import java.util.Optional;

/**
 * The one root of the service's own failures. Each leaf carries the facts needed to decide what to
 * do with it, and says itself whether trying the same work again can succeed ({@link #retryable()})
 * and, when it knows, after how long ({@link #retryAfter()}). {@link Failures} is the one place
 * that reads these for any throwable, ours or not.
 *
 * <p>The leaves live in this package because a sealed class in the unnamed module may only permit
 * classes of its own package.
 */
public abstract sealed class IntegrationException extends RuntimeException
    permits InvalidWebhookException,
        InvalidWorkflowException,
        GitHubApiException,
        NotAFileException,
        ClaimHeldException,
        UnreportableResultException {

  protected IntegrationException(String message) {
    super(message);
  }

  protected IntegrationException(
      String message, Throwable cause, boolean enableSuppression, boolean writableStackTrace) {
    super(message, cause, enableSuppression, writableStackTrace);
  }

  /** Whether trying the same work again later can succeed. */
  public abstract boolean retryable();

  /**
   * How long to wait before trying again, when the failure says (a rate limit's reset); else empty.
   */
  public Optional<Duration> retryAfter() {
    return Optional.empty();
  }
}
