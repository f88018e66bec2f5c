package dev.solstice.jobrequest;

/** A message that cannot be decoded as the contract says; redelivering it will not help. */
public final class JobMessageException extends RuntimeException {
  public JobMessageException(String message, Throwable cause) {
    super(message, cause);
  }
}
