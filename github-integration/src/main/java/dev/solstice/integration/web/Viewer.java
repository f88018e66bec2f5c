package dev.solstice.integration.web;

import java.time.Instant;

/**
 * Who looks at a page: a GitHub user signed in through the App's OAuth web flow, or anonymous.
 *
 * @param login the GitHub login; null when anonymous
 * @param token the user's token (kept in the encrypted session cookie only); null when anonymous;
 *     never printed ({@link #toString()} leaves it out)
 * @param since when the user signed in; null when anonymous
 */
public record Viewer(String login, String token, Instant since) {

  public static final Viewer ANONYMOUS = new Viewer(null, null, null);

  public boolean anonymous() {
    return login == null;
  }

  @Override
  public String toString() {
    return anonymous() ? "Viewer[anonymous]" : "Viewer[" + login + "]";
  }
}
