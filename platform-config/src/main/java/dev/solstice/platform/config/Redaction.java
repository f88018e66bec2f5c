package dev.solstice.platform.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Makes configuration values safe to print: URL credentials and secret values. */
public final class Redaction {

  public static final String MASK = "***";

  private static final Pattern USER_INFO = Pattern.compile("(?<=://)[^/@]*@");

  private Redaction() {}

  /**
   * The URL with the password of its user info masked ({@code amqp://bot:***@host/vh}); a user name
   * alone is kept. A value that does not parse is masked whole: it might be a password pasted into
   * the wrong variable. For AMQP URLs, where the user name is not a secret.
   */
  public static String password(String url) {
    if (url == null) {
      return null;
    }
    try {
      URI uri = new URI(url);
      String userInfo = uri.getRawUserInfo();
      if (userInfo == null) {
        return url;
      }
      int colon = userInfo.indexOf(':');
      String masked = colon < 0 ? userInfo : userInfo.substring(0, colon + 1) + MASK;
      return url.replaceFirst(
          Pattern.quote(userInfo + "@"), Matcher.quoteReplacement(masked + "@"));
    } catch (URISyntaxException e) {
      return MASK;
    }
  }

  /**
   * The URL with its whole user info masked ({@code redis://***@host}), parsed or not. For URLs
   * whose user part alone may be the secret ({@code redis://PASSWORD@host}, {@code
   * https://TOKEN@host}).
   */
  public static String userInfo(String url) {
    return url == null ? null : USER_INFO.matcher(url).replaceAll(MASK + "@");
  }

  /** A secret value as printed: {@code ***} when set, {@code none} when not. */
  public static String secret(String value) {
    return value == null || value.isBlank() ? "none" : MASK;
  }
}
