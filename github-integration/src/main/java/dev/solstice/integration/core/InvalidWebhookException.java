package dev.solstice.integration.core;

/**
 * A webhook body we cannot act on: not JSON, or missing a field we need. Answered with 400; never
 * retried.
 */
public final class InvalidWebhookException extends IntegrationException {
  public InvalidWebhookException(String message) {
    super(message);
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
