package dev.solstice.platform.amqp;

import java.time.Duration;
import java.util.Optional;

/**
 * What a failed handling means for the message: the caller knows its failures, the consumer only
 * acts on the verdict.
 */
@FunctionalInterface
public interface FailurePolicy {

  Verdict judge(Throwable error);

  /**
   * @param retryable whether trying the same message again later can succeed
   * @param minimumDelay wait at least this long before the next attempt (e.g. a GitHub Retry-After)
   * @param reason one line for the {@code x-solstice-reason} header and the logs; no secrets
   */
  record Verdict(boolean retryable, Optional<Duration> minimumDelay, String reason) {
    public Verdict {
      minimumDelay = minimumDelay == null ? Optional.empty() : minimumDelay;
    }
  }
}
