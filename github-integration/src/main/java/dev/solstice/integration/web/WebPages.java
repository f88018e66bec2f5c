package dev.solstice.integration.web;

import io.vertx.ext.web.RoutingContext;
import org.owasp.encoder.Encode;

/** The small pages of the login and access checks, with the job pages' headers. */
public final class WebPages {

  private WebPages() {}

  public static String notFound() {
    return page(
        "Not found", "<h1>Not found</h1><p>There is no such page, or you cannot see it.</p>");
  }

  static String forbidden(String login) {
    return page(
        "Forbidden",
        "<h1>Forbidden</h1><p>Signed in as "
            + Encode.forHtml(login)
            + ", who is not an administrator of this service.</p>");
  }

  static String unavailable() {
    return page("Unavailable", "<h1>Try again</h1><p>GitHub could not be asked; try again.</p>");
  }

  static String loginOff() {
    return page(
        "Login unavailable",
        "<h1>Login unavailable</h1><p>GitHub login is not configured on this service"
            + " (GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET, PUBLIC_URL).</p>");
  }

  static String loginFailed(String why) {
    return page(
        "Login failed",
        "<h1>Login failed</h1><p>"
            + Encode.forHtml(why)
            + "</p><p><a href=\""
            + GitHubLogin.LOGIN_PATH
            + "\">Sign in again</a></p>");
  }

  static String page(String title, String body) {
    return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<title>"
        + Encode.forHtml(title)
        + " · Solstice CI</title>"
        + "<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#111;background:#fff}"
        + "a{color:#0645ad}</style></head><body><main>"
        + body
        + "</main></body></html>";
  }

  /** An HTML answer that is never cached, framed or sniffed. */
  public static void respond(RoutingContext ctx, int status, String html) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
        .putHeader("X-Frame-Options", "DENY")
        .end(html);
  }
}
