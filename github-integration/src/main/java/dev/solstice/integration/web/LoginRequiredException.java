package dev.solstice.integration.web;

/**
 * GitHub refused the viewer's token (401: expired or revoked): the session ends and the viewer
 * signs in again. Carries no token.
 */
public final class LoginRequiredException extends RuntimeException {

  public LoginRequiredException(String message) {
    super(message, null, false, false);
  }
}
