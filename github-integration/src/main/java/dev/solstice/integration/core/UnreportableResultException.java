package dev.solstice.integration.core;

/** A JobResult that can never be reported (it does not say where); dead-lettered at once. */
public final class UnreportableResultException extends IntegrationException {
  public UnreportableResultException(String message) {
    super(message);
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
