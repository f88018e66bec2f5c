package dev.solstice.integration.core;

import java.time.Instant;
import java.util.Optional;

/**
 * A GitHub API call that failed, classified so callers decide on the type, never on a status code.
 * {@code github.ErrorClassifier} is the one place that maps an HTTP answer to one of these leaves.
 *
 * <ul>
 *   <li>{@link RateLimited.Primary}: 403/429 with {@code x-ratelimit-remaining: 0}, until {@code
 *       x-ratelimit-reset}
 *   <li>{@link RateLimited.Secondary}: 403/429 with {@code retry-after} or GitHub's secondary-limit
 *       message
 *   <li>{@link PermissionDenied}: any other 403
 *   <li>{@link Unauthorized}: 401, the credentials were not accepted
 *   <li>{@link NotFound}: 404 (GitHub also answers 404 for repositories a token cannot see)
 *   <li>{@link ValidationFailed}: 422
 *   <li>{@link Transient}: 5xx (with {@code retry-after} when GitHub sent one), timeouts,
 *       connection resets
 *   <li>{@link Rejected}: any other 4xx
 * </ul>
 *
 * Messages carry GitHub's {@code message} but never a credential.
 */
public abstract sealed class GitHubApiException extends IntegrationException {

  /**
   * What is known about the failed call.
   *
   * @param status HTTP status, 0 when no response arrived (timeout, reset)
   * @param method HTTP method
   * @param route route template, e.g. {@code /repos/{owner}/{repo}/check-runs}
   * @param installationId installation the call was made for, 0 for App-level calls
   * @param githubMessage GitHub's {@code message} (or the transport error), may be empty
   * @param requestId {@code x-github-request-id}, may be empty
   */
  public record Facts(
      int status,
      String method,
      String route,
      long installationId,
      String githubMessage,
      String requestId) {}

  private final Facts facts;
  private final String explanation;

  private GitHubApiException(Facts facts, String explanation, Throwable cause) {
    super(describe(facts, explanation), cause, false, true);
    this.facts = facts;
    this.explanation = explanation;
  }

  /** What the classifier added to GitHub's message; may be null or empty. */
  public String explanation() {
    return explanation;
  }

  /** The same failure with other facts (e.g. naming the installation an App-level call was for). */
  public abstract GitHubApiException withFacts(Facts facts);

  private static String describe(Facts f, String explanation) {
    StringBuilder sb = new StringBuilder();
    sb.append("GitHub ").append(f.method()).append(' ').append(f.route());
    if (f.installationId() != 0) {
      sb.append(" (installation ").append(f.installationId()).append(')');
    }
    sb.append(" failed: ").append(f.status() == 0 ? "no response" : "HTTP " + f.status());
    if (f.githubMessage() != null && !f.githubMessage().isEmpty()) {
      sb.append(" \"").append(f.githubMessage()).append('"');
    }
    if (explanation != null && !explanation.isEmpty()) {
      sb.append(": ").append(explanation);
    }
    return sb.toString();
  }

  public Facts facts() {
    return facts;
  }

  public int status() {
    return facts.status();
  }

  public String method() {
    return facts.method();
  }

  public String route() {
    return facts.route();
  }

  public long installationId() {
    return facts.installationId();
  }

  /** Whether the client retries this kind of failure (within its retry policy). */
  @Override
  public abstract boolean retryable();

  /** Rate limited; {@link #retryAt()} says when GitHub will accept calls again, if known. */
  public abstract static sealed class RateLimited extends GitHubApiException {
    private final Instant retryAt;

    private RateLimited(Facts facts, Instant retryAt, String explanation) {
      super(facts, explanation, null);
      this.retryAt = retryAt;
    }

    /** When to try again, on this host's clock; empty when GitHub did not say. */
    public Optional<Instant> retryAt() {
      return Optional.ofNullable(retryAt);
    }

    @Override
    public boolean retryable() {
      return true;
    }

    /**
     * The time left until {@link #retryAt()}, on this host's clock; empty when GitHub did not say.
     */
    @Override
    public Optional<java.time.Duration> retryAfter() {
      return timeLeft(retryAt());
    }

    /** The hourly quota of the installation (or app) is used up until {@code retryAt}. */
    public static final class Primary extends RateLimited {
      public Primary(Facts facts, Instant retryAt, String explanation) {
        super(facts, retryAt, explanation);
      }

      @Override
      public GitHubApiException withFacts(Facts facts) {
        return new Primary(facts, retryAt().orElse(null), explanation());
      }
    }

    /** A secondary (abuse) limit: too many requests too fast or too concurrently. */
    public static final class Secondary extends RateLimited {
      public Secondary(Facts facts, Instant retryAt, String explanation) {
        super(facts, retryAt, explanation);
      }

      @Override
      public GitHubApiException withFacts(Facts facts) {
        return new Secondary(facts, retryAt().orElse(null), explanation());
      }
    }
  }

  /** 403: the token lacks a permission or the app is not allowed to do this. */
  public static final class PermissionDenied extends GitHubApiException {
    public PermissionDenied(Facts facts, String explanation) {
      super(facts, explanation, null);
    }

    @Override
    public GitHubApiException withFacts(Facts facts) {
      return new PermissionDenied(facts, explanation());
    }

    @Override
    public boolean retryable() {
      return false;
    }
  }

  /** 401: the JWT or token was not accepted (wrong key, expired, revoked). */
  public static final class Unauthorized extends GitHubApiException {
    public Unauthorized(Facts facts, String explanation) {
      super(facts, explanation, null);
    }

    @Override
    public GitHubApiException withFacts(Facts facts) {
      return new Unauthorized(facts, explanation());
    }

    @Override
    public boolean retryable() {
      return false;
    }
  }

  /** 404: absent, or not visible to this token. */
  public static final class NotFound extends GitHubApiException {
    public NotFound(Facts facts, String explanation) {
      super(facts, explanation, null);
    }

    @Override
    public GitHubApiException withFacts(Facts facts) {
      return new NotFound(facts, explanation());
    }

    @Override
    public boolean retryable() {
      return false;
    }
  }

  /** 422: GitHub refused the request body. */
  public static final class ValidationFailed extends GitHubApiException {
    public ValidationFailed(Facts facts, String explanation) {
      super(facts, explanation, null);
    }

    @Override
    public GitHubApiException withFacts(Facts facts) {
      return new ValidationFailed(facts, explanation());
    }

    @Override
    public boolean retryable() {
      return false;
    }
  }

  /** The time from now until {@code at}, never negative; empty when {@code at} is. */
  static Optional<java.time.Duration> timeLeft(Optional<Instant> at) {
    return at.map(
        t -> {
          java.time.Duration left = java.time.Duration.between(Instant.now(), t);
          return left.isNegative() ? java.time.Duration.ZERO : left;
        });
  }

  /**
   * 5xx, timeout or connection failure: worth retrying; after {@link #retryAt()} when GitHub said
   * so ({@code retry-after}).
   */
  public static final class Transient extends GitHubApiException {
    private final Instant retryAt;

    public Transient(Facts facts, String explanation, Throwable cause) {
      this(facts, explanation, cause, null);
    }

    /**
     * @param retryAt when GitHub asked to be called again, on this host's clock; null if it did not
     */
    public Transient(Facts facts, String explanation, Throwable cause, Instant retryAt) {
      super(facts, explanation, cause);
      this.retryAt = retryAt;
    }

    /** When GitHub's {@code retry-after} asked to try again; empty when it did not say. */
    public Optional<Instant> retryAt() {
      return Optional.ofNullable(retryAt);
    }

    /** The time left until {@link #retryAt()}; empty when GitHub did not say. */
    @Override
    public Optional<java.time.Duration> retryAfter() {
      return timeLeft(retryAt());
    }

    @Override
    public GitHubApiException withFacts(Facts facts) {
      return new Transient(facts, explanation(), getCause(), retryAt);
    }

    @Override
    public boolean retryable() {
      return true;
    }
  }

  /** Any other 4xx (400, 409, 410, ...) and answers the client cannot use. */
  public static final class Rejected extends GitHubApiException {
    public Rejected(Facts facts, String explanation) {
      super(facts, explanation, null);
    }

    @Override
    public GitHubApiException withFacts(Facts facts) {
      return new Rejected(facts, explanation());
    }

    @Override
    public boolean retryable() {
      return false;
    }
  }
}
