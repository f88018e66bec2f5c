package dev.solstice.platform.amqp;

import java.time.Duration;
import java.util.List;

/**
 * How one flow retries a message: the delays between attempts (each one a TTL'd delay queue, so the
 * list is finite and fixed; the last delay repeats) and the number of attempts before it is parked.
 *
 * @param delays delays before attempt 2, 3, …; not empty, each positive
 * @param maxAttempts processing attempts, the first included, before the message is parked (≥ 1)
 */
public record RetrySchedule(List<Duration> delays, int maxAttempts) {

  public RetrySchedule {
    delays = List.copyOf(delays);
    if (delays.isEmpty() || delays.stream().anyMatch(d -> d.isNegative() || d.isZero())) {
      throw new IllegalArgumentException(
          "retry delays must be a non-empty list of positive durations: " + delays);
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
    }
  }

  /** The delay before attempt {@code attempt} (≥ 2); the last delay repeats. */
  public Duration delayBefore(int attempt) {
    return delays.get(Math.max(0, Math.min(attempt - 2, delays.size() - 1)));
  }

  /**
   * The delay before attempt {@code attempt}, but at least {@code minimum} when the failure asked
   * for one (a GitHub Retry-After): the shortest declared delay that is long enough, else the
   * longest.
   */
  public Duration delayBefore(int attempt, Duration minimum) {
    Duration scheduled = delayBefore(attempt);
    if (minimum == null || scheduled.compareTo(minimum) >= 0) {
      return scheduled;
    }
    return delays.stream()
        .filter(d -> d.compareTo(minimum) >= 0)
        .min(Duration::compareTo)
        .orElse(longest());
  }

  public Duration longest() {
    return delays.stream().max(Duration::compareTo).orElseThrow();
  }

  /** Whether a failed attempt {@code attempt} may be followed by another. */
  public boolean allowsAnotherAfter(int attempt) {
    return attempt < maxAttempts;
  }
}
