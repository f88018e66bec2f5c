package dev.solstice.integration.pages;

import dev.solstice.platform.config.EnvReader;
import java.time.Duration;

/**
 * The live log of running jobs' pages (issue 16): server-sent events from {@code GET
 * /jobs/<request_id>/live}.
 *
 * @param pollInterval {@code JOB_LOG_POLL_INTERVAL}: how often the bucket is asked for new parts,
 *     once per job however many watch it
 * @param streamsPerJob {@code JOB_LOG_STREAMS_PER_JOB}: open streams of one job at most
 * @param streamsTotal {@code JOB_LOG_STREAMS_MAX}: open streams of all jobs at most
 * @param idleTimeout {@code JOB_LOG_IDLE_TIMEOUT}: a job's streams end after this long without a
 *     new line (the page then says to refresh)
 */
public record LiveLogSettings(
    Duration pollInterval, int streamsPerJob, int streamsTotal, Duration idleTimeout) {

  public static final LiveLogSettings DEFAULTS =
      new LiveLogSettings(Duration.ofSeconds(2), 20, 500, Duration.ofMinutes(10));

  /** Reads the JOB_LOG_* variables; problems go to {@code in}. */
  public static LiveLogSettings fromEnv(EnvReader in) {
    return new LiveLogSettings(
        in.positiveDuration("JOB_LOG_POLL_INTERVAL", DEFAULTS.pollInterval()),
        in.positiveInt("JOB_LOG_STREAMS_PER_JOB", DEFAULTS.streamsPerJob(), 10_000),
        in.positiveInt("JOB_LOG_STREAMS_MAX", DEFAULTS.streamsTotal(), 1_000_000),
        in.positiveDuration("JOB_LOG_IDLE_TIMEOUT", DEFAULTS.idleTimeout()));
  }
}
