package dev.solstice.integration.web;

import io.vertx.core.Vertx;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CSRFHandler;
import io.vertx.ext.web.handler.SessionHandler;
import io.vertx.ext.web.sstore.cookie.CookieSessionStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The browser side's sessions, CSRF protection and GitHub login, assembled (issue 16). {@link
 * #mount(Router)} puts them on the pages' paths ({@link #PAGE_PATHS}) and adds {@code /login}, the
 * OAuth callback and {@code /logout}; {@link #protect(Router, String)} puts them on more paths (the
 * operator console); {@link #access()} is what pages ask.
 *
 * <ul>
 *   <li>Sessions live in the cookie {@value #SESSION_COOKIE}, encrypted and authenticated (AES-GCM,
 *       vertx-web-sstore-cookie) with {@code SESSION_SECRET}: nothing on the server, so every
 *       replica reads it. HttpOnly, Secure, SameSite=Lax (Lax, not Strict: GitHub's redirect back
 *       to the callback is a cross-site navigation that must carry the cookie).
 *   <li>CSRF: vertx-web's {@link CSRFHandler} on every protected path; a POST, PUT, PATCH or DELETE
 *       without the token of the session ({@link Access#csrfField}) is refused with 403.
 * </ul>
 */
public final class WebAuth implements AutoCloseable {

  public static final String SESSION_COOKIE = "solstice_session";

  /** Where the pages are: sessions and CSRF protection are mounted here. */
  public static final List<String> PAGE_PATHS =
      List.of("/jobs/*", GitHubLogin.LOGIN_PATH, GitHubLogin.LOGOUT_PATH, "/auth/*");

  private static final Logger LOG = LoggerFactory.getLogger(WebAuth.class);
  private static final long MAX_FORM_BYTES = 16 * 1024;

  private final AuthSettings settings;
  private final SessionHandler sessions;
  private final CSRFHandler csrf;
  private final GitHubUserApi github;
  private final Access access;
  private final GitHubLogin login;
  private final OAuth2Auth oauth;

  private WebAuth(Vertx vertx, AuthSettings settings, Clock clock) {
    this.settings = settings;
    String secret = settings.sessionSecret();
    if (secret == null) {
      byte[] bytes = new byte[32];
      new SecureRandom().nextBytes(bytes);
      secret = HexFormat.of().formatHex(bytes);
      if (settings.loginEnabled()) {
        LOG.warn(
            "SESSION_SECRET is not set: sessions are encrypted with a key of this process only;"
                + " they end when it restarts and other replicas do not accept them");
      }
    }
    this.sessions =
        SessionHandler.create(CookieSessionStore.create(vertx, secret))
            .setSessionCookieName(SESSION_COOKIE)
            .setCookieHttpOnlyFlag(true)
            .setCookieSecureFlag(true)
            .setCookieSameSite(CookieSameSite.LAX)
            .setSessionTimeout(settings.sessionIdle().toMillis());
    // No setOrigin: vertx-web then refuses every request without an Origin or Referer header,
    // which includes a plain navigation; the session-bound token is the protection.
    this.csrf =
        CSRFHandler.create(vertx, secret + ":csrf")
            .setCookieSecure(true)
            .setCookieHttpOnly(true)
            .setNagHttps(false);
    this.github = new GitHubUserApi(vertx, settings.apiBase());
    this.access = new Access(settings, github, clock);
    this.oauth =
        settings.loginEnabled()
            ? OAuth2Auth.create(
                vertx,
                new OAuth2Options()
                    .setClientId(settings.clientId())
                    .setClientSecret(settings.clientSecret())
                    .setSite(settings.githubWebUrl())
                    .setAuthorizationPath("/login/oauth/authorize")
                    .setTokenPath("/login/oauth/access_token")
                    .setHeaders(new JsonObject().put("User-Agent", "solstice-ci")))
            : null;
    this.login = new GitHubLogin(settings, oauth, github, clock);
  }

  public static WebAuth create(Vertx vertx, AuthSettings settings, Clock clock) {
    return new WebAuth(vertx, settings, clock);
  }

  /** Sessions and CSRF on {@link #PAGE_PATHS}, and the login routes. Call before the pages'. */
  public void mount(Router router) {
    PAGE_PATHS.forEach(path -> protect(router, path));
    login.mount(router);
  }

  /**
   * Sessions, a small form body handler and CSRF protection on {@code path} (a Vert.x route path,
   * e.g. {@code /console/*}); mount before the path's own routes.
   */
  public void protect(Router router, String path) {
    router
        .route(path)
        .handler(sessions)
        .handler(BodyHandler.create(false).setBodyLimit(MAX_FORM_BYTES))
        .handler(csrf)
        .failureHandler(WebAuth::refused);
  }

  /** A refused form (403: no or a wrong CSRF token), a too large one (413), or a page's failure. */
  private static void refused(io.vertx.ext.web.RoutingContext ctx) {
    int status = ctx.statusCode() < 400 ? 500 : ctx.statusCode();
    if (status >= 500) {
      LOG.warn(
          "page {} failed: {}",
          ctx.request().path(),
          ctx.failure() == null ? status : ctx.failure().toString());
    }
    String text =
        switch (status) {
          case 403 ->
              "The form expired or did not come from this site; reload the page and try again.";
          case 413 -> "The form is too large.";
          default -> "The page could not be shown; try again.";
        };
    WebPages.respond(
        ctx, status, WebPages.page("Refused", "<h1>" + status + "</h1><p>" + text + "</p>"));
  }

  public Access access() {
    return access;
  }

  public AuthSettings settings() {
    return settings;
  }

  @Override
  public void close() {
    github.close();
    if (oauth != null) {
      oauth.close();
    }
  }
}
