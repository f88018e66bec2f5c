package dev.solstice.integration.config;

import dev.solstice.platform.config.EnvReader;
import java.time.Duration;

/**
 * Fairness across installations (issue 14): deliveries whose installation cannot write to GitHub
 * soon wait in per-installation lanes instead of intake slots.
 *
 * @param enabled INTAKE_LANES: off carries every delivery out in its intake slot, as before
 * @param setAsideAfter INTAKE_SET_ASIDE_AFTER: a delivery whose installation's next write would
 *     start later than this goes to its lane
 * @param workers INTAKE_LANE_WORKERS: lane turns served at once per replica
 * @param poll INTAKE_LANE_POLL: how often an idle lane worker looks for a ready lane
 * @param safetyDelay INTAKE_LANE_SAFETY_DELAY: when the safety copy of a set-aside delivery comes
 *     back from the delay queue (to be processed if its lane was lost, else copied again)
 */
public record LaneSettings(
    boolean enabled, Duration setAsideAfter, int workers, Duration poll, Duration safetyDelay) {

  public static final LaneSettings DEFAULTS =
      new LaneSettings(
          true, Duration.ofSeconds(1), 4, Duration.ofMillis(100), Duration.ofMinutes(15));

  static LaneSettings fromEnv(EnvReader in) {
    return new LaneSettings(
        in.strictBool("INTAKE_LANES", DEFAULTS.enabled()),
        in.positiveDuration("INTAKE_SET_ASIDE_AFTER", DEFAULTS.setAsideAfter()),
        in.integer("INTAKE_LANE_WORKERS", DEFAULTS.workers(), 1, 1_000),
        in.positiveDuration("INTAKE_LANE_POLL", DEFAULTS.poll()),
        in.positiveDuration("INTAKE_LANE_SAFETY_DELAY", DEFAULTS.safetyDelay()));
  }
}
