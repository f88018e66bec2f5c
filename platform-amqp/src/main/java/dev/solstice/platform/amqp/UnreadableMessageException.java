package dev.solstice.platform.amqp;

/**
 * A handler could not decode the message. Reading it again will not help, so the consumer parks it
 * whatever the failure policy says.
 */
public final class UnreadableMessageException extends RuntimeException {
  public UnreadableMessageException(String message, Throwable cause) {
    super(message, cause);
  }
}
