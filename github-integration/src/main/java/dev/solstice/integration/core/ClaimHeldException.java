package dev.solstice.integration.core;

import java.util.UUID;

/**
 * Another replica is changing the same job of a run right now (it holds the claim); try again
 * shortly.
 */
public final class ClaimHeldException extends IntegrationException {

  public ClaimHeldException(UUID runId, String jobId) {
    super("job " + jobId + " of run " + runId + " is being changed by another replica");
  }

  @Override
  public boolean retryable() {
    return true;
  }
}
