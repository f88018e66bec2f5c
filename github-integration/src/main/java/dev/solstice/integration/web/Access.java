package dev.solstice.integration.web;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.CSRFHandler;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.owasp.encoder.Encode;

/**
 * Who may see what, for every browser page (job pages, the operator console):
 *
 * <ul>
 *   <li>{@link #viewer(RoutingContext)}: the signed-in GitHub user, or {@link Viewer#ANONYMOUS} (no
 *       session, a forged or undecryptable cookie, a session past {@code SESSION_MAX_AGE}).
 *   <li>{@link #requireLogin()} and {@link #requireAdmin()}: route handlers; an anonymous GET is
 *       sent to the login and comes back to the page after.
 *   <li>{@link #permission}, {@link #canRead}, {@link #canWrite}: the viewer's permission on a
 *       repository, asked of GitHub with the user's token and kept {@code ACCESS_CACHE_TTL}; an
 *       anonymous viewer reads a public repository only with {@code PUBLIC_REPOS_ANONYMOUS=true}.
 *   <li>{@link #isAdmin}: a login listed in {@code CONSOLE_ADMINS}, or an active member of a team
 *       ({@code org/team}) listed there (asked with the user's token, cached the same way).
 *   <li>{@link #csrfField(RoutingContext)}: the hidden field every form must carry; a POST without
 *       it is refused with 403 before any handler runs.
 * </ul>
 *
 * A 401 from GitHub on the user's token fails the future with {@link LoginRequiredException}: the
 * page then calls {@link #sendToLogin(RoutingContext)}.
 */
public final class Access {

  /** Session keys. The token is in the session, which is only ever in the encrypted cookie. */
  static final String LOGIN = "login";

  static final String TOKEN = "token";
  static final String SINCE = "since";
  static final String RETURN_TO = "return_to";

  /** The form field (and header) the CSRF token travels in. */
  public static final String CSRF_FIELD = CSRFHandler.DEFAULT_HEADER_NAME;

  private final AuthSettings settings;
  private final GitHubUserApi github;
  private final Clock clock;
  private final Cache<String, Permission> permissions;
  private final Cache<String, Boolean> visibility;
  private final Cache<String, Boolean> teams;

  public Access(AuthSettings settings, GitHubUserApi github, Clock clock) {
    this.settings = settings;
    this.github = github;
    this.clock = clock;
    Ticker ticker = () -> clock.millis() * 1_000_000L;
    this.permissions = cache(settings, ticker);
    this.visibility = cache(settings, ticker);
    this.teams = cache(settings, ticker);
  }

  private static <V> Cache<String, V> cache(AuthSettings settings, Ticker ticker) {
    return Caffeine.newBuilder()
        .expireAfterWrite(settings.accessCacheTtl())
        .maximumSize(50_000)
        .ticker(ticker)
        .build();
  }

  public AuthSettings settings() {
    return settings;
  }

  /** Whether GitHub login is configured (else every viewer is anonymous). */
  public boolean loginEnabled() {
    return settings.loginEnabled();
  }

  /** The signed-in user, or anonymous; a session past its maximum age is emptied first. */
  public Viewer viewer(RoutingContext ctx) {
    Session session = ctx.session();
    if (session == null || !loginEnabled()) {
      return Viewer.ANONYMOUS;
    }
    String login = session.get(LOGIN);
    String token = session.get(TOKEN);
    Long since = session.get(SINCE);
    if (login == null || token == null || since == null) {
      return Viewer.ANONYMOUS;
    }
    Instant at = Instant.ofEpochMilli(since);
    if (!at.plus(settings.sessionMaxAge()).isAfter(clock.instant())) {
      signOut(ctx);
      return Viewer.ANONYMOUS;
    }
    return new Viewer(login, token, at);
  }

  /** Ends the viewer's session (its data; the cookie is rewritten empty). */
  public void signOut(RoutingContext ctx) {
    Session session = ctx.session();
    if (session != null) {
      session.remove(LOGIN);
      session.remove(TOKEN);
      session.remove(SINCE);
    }
  }

  /**
   * Sends the browser to the login, to come back to this page after (a GET), or answers 401 (any
   * other method, or no login configured: 404 page text is the caller's business).
   */
  public void sendToLogin(RoutingContext ctx) {
    if (!loginEnabled()) {
      WebPages.respond(ctx, 404, WebPages.notFound());
      return;
    }
    Session session = ctx.session();
    if (session != null && ctx.request().method().name().equals("GET")) {
      session.put(RETURN_TO, ctx.request().uri());
    }
    ctx.response().setStatusCode(302).putHeader("Location", GitHubLogin.LOGIN_PATH).end();
  }

  /** A route handler: anonymous viewers go to the login (and come back after). */
  public Handler<RoutingContext> requireLogin() {
    return ctx -> {
      if (viewer(ctx).anonymous()) {
        sendToLogin(ctx);
      } else {
        ctx.next();
      }
    };
  }

  /** A route handler: anonymous viewers go to the login; signed-in non-admins get 403. */
  public Handler<RoutingContext> requireAdmin() {
    return ctx -> {
      Viewer viewer = viewer(ctx);
      if (viewer.anonymous()) {
        sendToLogin(ctx);
        return;
      }
      isAdmin(viewer)
          .onSuccess(
              admin -> {
                if (admin) {
                  ctx.next();
                } else {
                  WebPages.respond(ctx, 403, WebPages.forbidden(viewer.login()));
                }
              })
          .onFailure(err -> failed(ctx, err));
    };
  }

  /** What a handler does when an access check failed: login again on 401, else 503. */
  public void failed(RoutingContext ctx, Throwable err) {
    if (err instanceof LoginRequiredException) {
      signOut(ctx);
      sendToLogin(ctx);
    } else {
      WebPages.respond(ctx, 503, WebPages.unavailable());
    }
  }

  /** The viewer's permission on {@code owner/name}. */
  public Future<Permission> permission(Viewer viewer, String repository) {
    String repo = repository.toLowerCase(Locale.ROOT);
    if (viewer.anonymous()) {
      if (!settings.publicReposAnonymous()) {
        return Future.succeededFuture(Permission.NONE);
      }
      Boolean known = visibility.getIfPresent(repo);
      Future<Boolean> isPublic =
          known != null
              ? Future.succeededFuture(known)
              : github.isPublic(repository).onSuccess(p -> visibility.put(repo, p));
      return isPublic.map(p -> p ? Permission.READ : Permission.NONE);
    }
    String key = viewer.login().toLowerCase(Locale.ROOT) + "\n" + repo;
    Permission known = permissions.getIfPresent(key);
    if (known != null) {
      return Future.succeededFuture(known);
    }
    return github.permission(viewer.token(), repository).onSuccess(p -> permissions.put(key, p));
  }

  public Future<Boolean> canRead(Viewer viewer, String repository) {
    return permission(viewer, repository).map(Permission::canRead);
  }

  public Future<Boolean> canWrite(Viewer viewer, String repository) {
    return permission(viewer, repository).map(Permission::canWrite);
  }

  /**
   * Asks GitHub to re-request a check run with the viewer's token, as GitHub's Re-run button does;
   * GitHub checks the viewer's write access again and sends the {@code check_run} {@code
   * rerequested} webhook.
   */
  public Future<Void> rerequestCheckRun(Viewer viewer, String repository, long checkRunId) {
    if (viewer.anonymous()) {
      return Future.failedFuture(new LoginRequiredException("sign in to re-run a job"));
    }
    return github.rerequestCheckRun(viewer.token(), repository, checkRunId);
  }

  /** A login in {@code CONSOLE_ADMINS}, or an active member of an {@code org/team} listed there. */
  public Future<Boolean> isAdmin(Viewer viewer) {
    if (viewer.anonymous()) {
      return Future.succeededFuture(false);
    }
    String login = viewer.login().toLowerCase(Locale.ROOT);
    List<String> admins = settings.admins();
    if (admins.contains(login)) {
      return Future.succeededFuture(true);
    }
    Future<Boolean> any = Future.succeededFuture(false);
    for (String team : admins.stream().filter(a -> a.contains("/")).toList()) {
      any = any.compose(found -> found ? Future.succeededFuture(true) : member(viewer, team));
    }
    return any;
  }

  private Future<Boolean> member(Viewer viewer, String team) {
    String key = viewer.login().toLowerCase(Locale.ROOT) + "\n" + team;
    Boolean known = teams.getIfPresent(key);
    if (known != null) {
      return Future.succeededFuture(known);
    }
    int slash = team.indexOf('/');
    return github
        .teamMember(
            viewer.token(), team.substring(0, slash), team.substring(slash + 1), viewer.login())
        .onSuccess(m -> teams.put(key, m));
  }

  /** The CSRF token of this request, for a form (empty when the route has no CSRF handler). */
  public static String csrfToken(RoutingContext ctx) {
    String token = ctx.get(CSRF_FIELD);
    return token == null ? "" : token;
  }

  /** {@code <input type="hidden" name="X-XSRF-TOKEN" value="…">} for a form. */
  public static String csrfField(RoutingContext ctx) {
    return "<input type=\"hidden\" name=\""
        + CSRF_FIELD
        + "\" value=\""
        + Encode.forHtmlAttribute(csrfToken(ctx))
        + "\">";
  }
}
