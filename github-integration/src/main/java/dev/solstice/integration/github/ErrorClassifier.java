package dev.solstice.integration.github;

import dev.solstice.integration.core.GitHubApiException;
import dev.solstice.integration.core.GitHubApiException.Facts;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Turns a non-2xx GitHub answer into a {@link GitHubApiException}. Pure: the local clock reading is
 * passed in, so rate-limit instants are computed from GitHub's {@code x-ratelimit-reset} against
 * GitHub's own {@code Date} header (clock skew between us and GitHub does not matter).
 */
public final class ErrorClassifier {
  private static final String SECONDARY_MESSAGE = "secondary rate limit";

  private ErrorClassifier() {}

  /**
   * @param now this host's clock when the response arrived
   */
  public static GitHubApiException classify(
      GitHubTransport.Response response,
      String method,
      String route,
      long installationId,
      Instant now) {
    int status = response.status();
    String message = githubMessage(response);
    Facts facts =
        new Facts(
            status,
            method,
            route,
            installationId,
            message,
            nullToEmpty(response.header("x-github-request-id")));
    boolean mint = route.endsWith("/access_tokens");
    if (status == 403 || status == 429) {
      if ("0".equals(response.header("x-ratelimit-remaining"))) {
        return new GitHubApiException.RateLimited.Primary(
            facts, resetInstant(response, now), "primary rate limit exhausted");
      }
      if (response.header("retry-after") != null) {
        return new GitHubApiException.RateLimited.Secondary(
            facts, retryAt(response, now), "secondary rate limit");
      }
      if (message.toLowerCase(Locale.ROOT).contains(SECONDARY_MESSAGE) || status == 429) {
        return new GitHubApiException.RateLimited.Secondary(facts, null, "secondary rate limit");
      }
      return new GitHubApiException.PermissionDenied(
          facts,
          mint
              ? "the app may not mint this token (permissions not granted to the installation?)"
              : "the token lacks a permission this endpoint needs");
    }
    if (status == 401) {
      return new GitHubApiException.Unauthorized(
          facts,
          mint
              ? "the App JWT was refused: wrong GITHUB_APP_ID or GITHUB_APP_KEY, or clock skew"
              : "credentials refused (expired or revoked token)");
    }
    if (status == 404) {
      return new GitHubApiException.NotFound(
          facts,
          mint
              ? "the installation does not exist (app uninstalled?) or belongs to another app"
              : "absent or not visible to this installation");
    }
    if (status == 422) {
      return new GitHubApiException.ValidationFailed(
          facts,
          mint
              ? "the installation cannot grant this token (repository not selected or"
                  + " permission not granted)"
              : "GitHub rejected the request");
    }
    if (status >= 500) {
      return new GitHubApiException.Transient(facts, "server error", null, retryAt(response, now));
    }
    return new GitHubApiException.Rejected(facts, "unexpected answer");
  }

  /** For failures with no response at all (timeouts, resets, refused connections). */
  public static GitHubApiException.Transient transportFailure(
      Throwable cause, String method, String route, long installationId) {
    String what = cause.getClass().getSimpleName();
    String msg = cause.getMessage() == null ? what : what + ": " + cause.getMessage();
    return new GitHubApiException.Transient(
        new Facts(0, method, route, installationId, msg, ""), "no response", cause);
  }

  static Instant resetInstant(GitHubTransport.Response response, Instant now) {
    String reset = response.header("x-ratelimit-reset");
    if (reset == null) {
      return null;
    }
    long resetEpoch;
    try {
      resetEpoch = Long.parseLong(reset.trim());
    } catch (NumberFormatException e) {
      return null;
    }
    Instant serverNow = serverDate(response);
    if (serverNow == null) {
      return Instant.ofEpochSecond(resetEpoch);
    }
    // Translate GitHub's reset to our clock: wait exactly as long as GitHub's clock says.
    Duration wait = Duration.between(serverNow, Instant.ofEpochSecond(resetEpoch));
    return now.plus(wait.isNegative() ? Duration.ZERO : wait);
  }

  static Instant serverDate(GitHubTransport.Response response) {
    String date = response.header("date");
    if (date == null) {
      return null;
    }
    try {
      return ZonedDateTime.parse(date.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * When GitHub's {@code retry-after} says to try again, on this host's clock, or null when it is
   * absent or unreadable (the caller's default wait applies). Both forms of RFC 9110 section 10.2.3
   * are read: delay-seconds, and an HTTP-date, which is measured against GitHub's own {@code Date}
   * header when present (so clock skew does not matter), as the rate-limit reset is.
   */
  static Instant retryAt(GitHubTransport.Response response, Instant now) {
    String value = response.header("retry-after");
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.trim();
    if (v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      try {
        return now.plus(Duration.ofSeconds(Long.parseLong(v)));
      } catch (RuntimeException tooLarge) {
        return Instant.MAX;
      }
    }
    Instant date;
    try {
      date = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    } catch (RuntimeException unreadable) {
      return null;
    }
    Instant serverNow = serverDate(response);
    Duration wait = Duration.between(serverNow == null ? now : serverNow, date);
    return now.plus(wait.isNegative() ? Duration.ZERO : wait);
  }

  static String githubMessage(GitHubTransport.Response response) {
    if (response.body() == null || response.body().length() == 0) {
      return "";
    }
    try {
      JsonObject json = response.body().toJsonObject();
      String m = json.getString("message", "");
      // Keep error lines short; GitHub's messages are one sentence.
      return m.length() > 300 ? m.substring(0, 300) + "..." : m;
    } catch (RuntimeException notJson) {
      return "";
    }
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
