package dev.solstice.platform.amqp;

/** The broker did not confirm a message: unreachable, nacked, unroutable or too slow. Retryable. */
public final class PublishException extends RuntimeException {
  public PublishException(String message) {
    super(message);
  }

  public PublishException(String message, Throwable cause) {
    super(message, cause);
  }

  public boolean retryable() {
    return true;
  }
}
