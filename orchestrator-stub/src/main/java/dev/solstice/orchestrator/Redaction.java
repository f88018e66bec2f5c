package dev.solstice.orchestrator;

import java.net.URI;
import java.net.URISyntaxException;

/** Makes configuration values safe to log. */
final class Redaction {

  static final String MASK = "***";

  private Redaction() {
  }

  /**
   * The URL with the password of its user info masked ({@code amqp://bot:***@host/vh}). A value that
   * does not parse is masked whole: it might be a password pasted into the wrong variable.
   */
  static String url(String url) {
    try {
      URI uri = new URI(url);
      String userInfo = uri.getRawUserInfo();
      if (userInfo == null) {
        return url;
      }
      int colon = userInfo.indexOf(':');
      String masked = colon < 0 ? userInfo : userInfo.substring(0, colon + 1) + MASK;
      return url.replaceFirst(java.util.regex.Pattern.quote(userInfo + "@"),
          java.util.regex.Matcher.quoteReplacement(masked + "@"));
    } catch (URISyntaxException e) {
      return MASK;
    }
  }
}
