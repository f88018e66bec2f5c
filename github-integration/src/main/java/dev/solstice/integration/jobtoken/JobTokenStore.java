package dev.solstice.integration.jobtoken;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** Where job grants live, keyed by the SHA-256 hash of their token (never the token itself). */
public interface JobTokenStore {

  /** Keeps {@code grant} under {@code hash} until its expiry. */
  Future<Void> put(String hash, JobGrant grant);

  /** The grant of {@code hash}, if it was issued and not yet dropped. */
  Future<Optional<JobGrant>> get(String hash);

  /**
   * Shortens the grant of the job's token (if any) to end by {@code until}; completes with whether
   * there was one.
   */
  Future<Boolean> endBy(UUID requestId, Instant until);

  /** Whether the store answers (for readiness). */
  default boolean isHealthy() {
    return true;
  }
}
