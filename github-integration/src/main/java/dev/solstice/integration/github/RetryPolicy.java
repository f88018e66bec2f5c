package dev.solstice.integration.github;

import java.time.Duration;
import java.util.Objects;

/**
 * How failed calls are retried, as data.
 *
 * <p>Transient failures (5xx, timeouts, resets) back off exponentially with full jitter: the n-th
 * retry waits a uniformly random time in {@code [0, min(maxDelay, baseDelay * 2^(n-1))]}, which
 * spreads replicas apart after a shared outage. Rate limits wait as long as GitHub says, but never
 * longer than {@code maxRateLimitWait}: beyond that the call fails with the rate-limit error and
 * the caller decides (e.g. re-queue the job).
 *
 * @param maxAttempts total attempts per call, first one included (1 = never retry)
 * @param baseDelay first backoff ceiling for transient failures
 * @param maxDelay cap for the backoff ceiling
 * @param maxRateLimitWait longest wait accepted for a primary or secondary rate limit
 * @param secondaryDefaultWait wait for a secondary limit that came without {@code retry-after}
 *     (GitHub asks for at least one minute)
 * @param requestTimeout timeout of every single HTTP exchange
 */
public record RetryPolicy(
    int maxAttempts,
    Duration baseDelay,
    Duration maxDelay,
    Duration maxRateLimitWait,
    Duration secondaryDefaultWait,
    Duration requestTimeout) {

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1");
    }
    Objects.requireNonNull(baseDelay, "baseDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    Objects.requireNonNull(maxRateLimitWait, "maxRateLimitWait");
    Objects.requireNonNull(secondaryDefaultWait, "secondaryDefaultWait");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
  }

  public static RetryPolicy defaults() {
    return new RetryPolicy(
        5,
        Duration.ofMillis(500),
        Duration.ofSeconds(30),
        Duration.ofMinutes(5),
        Duration.ofSeconds(60),
        Duration.ofSeconds(15));
  }

  /** Upper bound of the jittered wait before retry number {@code retry} (1-based). */
  public Duration backoffCeiling(int retry) {
    long base = baseDelay.toMillis();
    long ceiling = retry >= 31 ? Long.MAX_VALUE : base << Math.max(0, retry - 1);
    if (ceiling < 0 || ceiling > maxDelay.toMillis()) {
      ceiling = maxDelay.toMillis();
    }
    return Duration.ofMillis(ceiling);
  }

  /** Full jitter: {@code random} in [0,1) scales the ceiling. */
  public Duration backoff(int retry, double random) {
    return Duration.ofMillis((long) (backoffCeiling(retry).toMillis() * random));
  }
}
