package dev.solstice.integration.checks;

import dev.solstice.integration.intake.Failures;

/** A JobResult that can never be reported (it does not say where); dead-lettered at once. */
public final class UnreportableResultException extends RuntimeException implements Failures.Retryable {
  public UnreportableResultException(String message) {
    super(message);
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
