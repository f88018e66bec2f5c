package dev.solstice.integration.recovery;

import dev.solstice.platform.config.EnvReader;
import java.time.Duration;

/**
 * The missed-delivery job's settings ({@code MISSED_DELIVERIES*}).
 *
 * @param enabled run the job at all (off by default: a dev setup has no App webhook log to read)
 * @param interval time between runs; GitHub keeps deliveries 3 days, so at most 1 day
 * @param lookback how far back the first run (no checkpoint yet) looks; at most 3 days
 * @param maxRedeliveries redelivery attempts per delivery guid before the job gives up on it
 * @param maxPages pages of 100 deliveries read per run at most
 */
public record MissedDeliverySettings(
    boolean enabled, Duration interval, Duration lookback, int maxRedeliveries, int maxPages) {

  public static final Duration GITHUB_RETENTION = Duration.ofDays(3);

  public static final MissedDeliverySettings OFF =
      new MissedDeliverySettings(false, Duration.ofMinutes(10), Duration.ofHours(6), 3, 50);

  /** Reads the variables; problems are added to the reader's errors, each naming its variable. */
  public static MissedDeliverySettings fromEnv(EnvReader in, boolean githubAppConfigured) {
    boolean enabled = in.bool("MISSED_DELIVERIES", false);
    Duration interval = in.duration("MISSED_DELIVERIES_INTERVAL", OFF.interval());
    if (interval.compareTo(Duration.ofSeconds(1)) < 0
        || interval.compareTo(Duration.ofDays(1)) > 0) {
      in.error(
          "MISSED_DELIVERIES_INTERVAL: expected a duration from 1s to 1d (GitHub keeps deliveries 3 days),"
              + " got \""
              + in.raw("MISSED_DELIVERIES_INTERVAL")
              + "\"");
    }
    Duration lookback = in.duration("MISSED_DELIVERIES_LOOKBACK", OFF.lookback());
    if (lookback.isZero() || lookback.compareTo(GITHUB_RETENTION) > 0) {
      in.error(
          "MISSED_DELIVERIES_LOOKBACK: expected a duration from 1s to 3d (GitHub keeps deliveries 3 days),"
              + " got \""
              + in.raw("MISSED_DELIVERIES_LOOKBACK")
              + "\"");
    }
    int maxRedeliveries =
        in.integer("MISSED_DELIVERIES_MAX_REDELIVERIES", OFF.maxRedeliveries(), 1, 100);
    int maxPages = in.integer("MISSED_DELIVERIES_MAX_PAGES", OFF.maxPages(), 1, 10_000);
    if (enabled && !githubAppConfigured) {
      in.error(
          "MISSED_DELIVERIES: needs a GitHub App (GITHUB_APP_ID and GITHUB_APP_KEY_PATH or GITHUB_APP_KEY)"
              + " to read the App's webhook deliveries; unset it or configure the App");
    }
    return new MissedDeliverySettings(enabled, interval, lookback, maxRedeliveries, maxPages);
  }
}
