package dev.solstice.integration.web;

import dev.solstice.platform.config.EnvReader;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * GitHub login for the browser pages (issue 16): the App's OAuth web flow, sessions and the access
 * cache.
 *
 * @param clientId {@code GITHUB_CLIENT_ID}: the App's OAuth client id; null turns login off
 * @param clientSecret {@code GITHUB_CLIENT_SECRET}; never logged ({@link #toString()} redacts it)
 * @param publicUrl {@code PUBLIC_URL} without a trailing slash: the OAuth callback is below it;
 *     null (login then off)
 * @param githubWebUrl {@code GITHUB_WEB_URL}: where users authorize ({@code /login/oauth/*})
 * @param apiBase {@code GITHUB_API_BASE}: {@code /user}, {@code /repos/{owner}/{repo}}, team
 *     memberships, asked with the user's token
 * @param admins {@code CONSOLE_ADMINS}: GitHub logins and {@code org/team} slugs
 * @param publicReposAnonymous {@code PUBLIC_REPOS_ANONYMOUS}: anonymous viewers read public
 *     repositories' jobs
 * @param sessionSecret {@code SESSION_SECRET}: the key the session cookies are encrypted and
 *     authenticated with, shared by every replica; null: a random one per process
 * @param sessionIdle {@code SESSION_IDLE_TIMEOUT}: a session unused this long ends
 * @param sessionMaxAge {@code SESSION_MAX_AGE}: a session ends this long after login, used or not
 * @param accessCacheTtl {@code ACCESS_CACHE_TTL}: how long a user's permission on a repository, a
 *     team membership and a repository's visibility are kept
 */
public record AuthSettings(
    String clientId,
    String clientSecret,
    String publicUrl,
    String githubWebUrl,
    String apiBase,
    List<String> admins,
    boolean publicReposAnonymous,
    String sessionSecret,
    Duration sessionIdle,
    Duration sessionMaxAge,
    Duration accessCacheTtl) {

  /** Where GitHub sends the browser back with the code: below {@code PUBLIC_URL}. */
  public static final String CALLBACK_PATH = "/auth/github/callback";

  public static final int MIN_SECRET_LENGTH = 32;

  /**
   * Reads the variables; problems go to {@code in}.
   *
   * @param publicUrl PUBLIC_URL as the setup read it, or null
   * @param githubWebUrl GITHUB_WEB_URL as the setup read it
   * @param apiBase GITHUB_API_BASE as the setup read it
   */
  public static AuthSettings fromEnv(EnvReader in, URI publicUrl, URI githubWebUrl, URI apiBase) {
    String id = blankToNull(in.raw("GITHUB_CLIENT_ID"));
    String secret = blankToNull(in.raw("GITHUB_CLIENT_SECRET"));
    if ((id == null) != (secret == null)) {
      in.error("GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET: set both (GitHub login) or neither");
    }
    if (id != null && publicUrl == null) {
      in.error(
          "GITHUB_CLIENT_ID: GitHub login needs PUBLIC_URL (the callback is PUBLIC_URL"
              + CALLBACK_PATH
              + ")");
    }
    String sessionSecret = blankToNull(in.raw("SESSION_SECRET"));
    if (sessionSecret != null && sessionSecret.length() < MIN_SECRET_LENGTH) {
      in.error(
          "SESSION_SECRET: expected at least "
              + MIN_SECRET_LENGTH
              + " characters, got "
              + sessionSecret.length());
    }
    List<String> admins = in.list("CONSOLE_ADMINS");
    for (String a : admins) {
      if (!a.matches("[A-Za-z0-9-]+(/[A-Za-z0-9._-]+)?")) {
        in.error("CONSOLE_ADMINS: expected GitHub logins or org/team slugs, got \"" + a + "\"");
      }
    }
    return new AuthSettings(
        id,
        secret,
        publicUrl == null ? null : strip(publicUrl.toString()),
        githubWebUrl == null ? "https://github.com" : strip(githubWebUrl.toString()),
        apiBase == null ? "https://api.github.com" : strip(apiBase.toString()),
        admins.stream().map(a -> a.toLowerCase(Locale.ROOT)).toList(),
        in.bool("PUBLIC_REPOS_ANONYMOUS", false),
        sessionSecret,
        in.positiveDuration("SESSION_IDLE_TIMEOUT", Duration.ofHours(2)),
        in.positiveDuration("SESSION_MAX_AGE", Duration.ofHours(8)),
        in.positiveDuration("ACCESS_CACHE_TTL", Duration.ofMinutes(5)));
  }

  /** No login: every viewer is anonymous. */
  public static AuthSettings off() {
    return new AuthSettings(
        null,
        null,
        null,
        "https://github.com",
        "https://api.github.com",
        List.of(),
        false,
        null,
        Duration.ofHours(2),
        Duration.ofHours(8),
        Duration.ofMinutes(5));
  }

  /** Whether GitHub login is configured. */
  public boolean loginEnabled() {
    return clientId != null && clientSecret != null && publicUrl != null;
  }

  public String callbackUrl() {
    return publicUrl + CALLBACK_PATH;
  }

  public AuthSettings withPublicReposAnonymous(boolean on) {
    return new AuthSettings(
        clientId,
        clientSecret,
        publicUrl,
        githubWebUrl,
        apiBase,
        admins,
        on,
        sessionSecret,
        sessionIdle,
        sessionMaxAge,
        accessCacheTtl);
  }

  @Override
  public String toString() {
    return "AuthSettings[clientId="
        + clientId
        + ", clientSecret="
        + (clientSecret == null ? "none" : "***")
        + ", publicUrl="
        + publicUrl
        + ", githubWebUrl="
        + githubWebUrl
        + ", apiBase="
        + apiBase
        + ", admins="
        + admins
        + ", publicReposAnonymous="
        + publicReposAnonymous
        + ", sessionSecret="
        + (sessionSecret == null ? "random" : "***")
        + ", sessionIdle="
        + sessionIdle
        + ", sessionMaxAge="
        + sessionMaxAge
        + ", accessCacheTtl="
        + accessCacheTtl
        + "]";
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  private static String strip(String url) {
    String u = url;
    while (u.endsWith("/")) {
      u = u.substring(0, u.length() - 1);
    }
    return u;
  }
}
