package dev.solstice.integration.webhook;

/** A webhook body we cannot act on: not JSON, or missing a field we need. Answered with 400. */
public final class InvalidWebhookException extends RuntimeException {
  public InvalidWebhookException(String message) {
    super(message);
  }
}
