package dev.solstice.integration.config;

import java.time.Duration;

/**
 * Where the service keeps its shared state in Redis, and for how long.
 *
 * @param prefix put before every key ({@code REDIS_KEY_PREFIX}), so several deployments can share
 *     one Redis; {@code solstice:} by default
 * @param checkRunTtl how long a job's check run id is remembered ({@code CHECK_RUN_TTL})
 * @param runTtl how long a workflow run's state is kept ({@code RUN_STATE_TTL})
 * @param deliveryLeaseTtl how long a replica's claim on a delivery lasts unless renewed ({@code
 *     DELIVERY_LEASE_TTL})
 */
public record RedisKeys(
    String prefix, Duration checkRunTtl, Duration runTtl, Duration deliveryLeaseTtl) {

  public static final RedisKeys DEFAULTS =
      new RedisKeys("solstice:", Duration.ofDays(30), Duration.ofDays(7), Duration.ofSeconds(30));

  /** Prefix of the delivery leases (issue 14: one replica processes a delivery at a time). */
  public String deliveryLeases() {
    return prefix + "delivery-lease:";
  }

  /** Prefix of the delivery ledger's keys (one per X-GitHub-Delivery id). */
  public String deliveries() {
    return prefix + "delivery:";
  }

  /** Prefix of the job id to check run id map. */
  public String checkRuns() {
    return prefix + "checkrun:";
  }

  /** Prefix of the workflow runs' state. */
  public String runs() {
    return prefix + "runs:";
  }

  /** Prefix of the missed-delivery job's checkpoint and counters. */
  public String missedDeliveries() {
    return prefix + "missed-deliveries:";
  }

  /** Prefix of the job tokens' grants (issue 13; keyed by token hash, never the token). */
  public String jobTokens() {
    return prefix + "jobtoken:";
  }

  /** Prefix of the gateway's conditional-request cache (issue 13; keyed by a hash of the scope). */
  public String gatewayCache() {
    return prefix + "gateway:cache:";
  }

  /** Prefix of the registry clients' hourly budgets (issue 13; keyed by client name and hour). */
  public String gatewayBudget() {
    return prefix + "gateway:budget:";
  }

  /**
   * Prefix of the gateway's credential pool: credentials set aside until their rate-limit reset
   * (issue 13; keyed by credential name, never a token).
   */
  public String gatewayPool() {
    return prefix + "gateway:pool:";
  }
}
