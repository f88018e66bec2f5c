package dev.solstice.integration.github;

import java.time.Duration;

/**
 * Limits for mutating requests, per installation. GitHub's secondary limits allow about 80
 * content-creating requests a minute and 500 an hour, and ask integrators to send them serially;
 * writes beyond these limits are delayed, not sent.
 *
 * @param writesPerMinute at most this many writes start in any sliding minute
 * @param writesPerHour at most this many writes start in any sliding hour
 * @param minInterval minimum gap between one write's answer and the next write
 * @param maxConcurrentReads reads in flight at once, across installations
 */
public record PacingPolicy(
    int writesPerMinute, int writesPerHour, Duration minInterval, int maxConcurrentReads) {

  public PacingPolicy {
    if (writesPerMinute < 1 || writesPerHour < 1 || maxConcurrentReads < 1) {
      throw new IllegalArgumentException("pacing limits must be positive");
    }
  }

  public static PacingPolicy defaults() {
    return new PacingPolicy(80, 500, Duration.ZERO, 16);
  }
}
