package dev.solstice.integration.web;

import io.vertx.core.Future;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2AuthorizationURL;
import io.vertx.ext.auth.oauth2.OAuth2FlowType;
import io.vertx.ext.auth.oauth2.Oauth2Credentials;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The App's OAuth web flow ("Sign in with GitHub"), through vertx-auth-oauth2:
 *
 * <ul>
 *   <li>{@code GET /login}: a fresh {@code state} in the session, then 302 to GitHub's {@code
 *       /login/oauth/authorize}.
 *   <li>{@code GET /auth/github/callback?code=&state=}: the state must be the session's; the code
 *       is exchanged for the user's token (POST {@code /login/oauth/access_token}), {@code GET
 *       /user} names the user; the session gets a new id, the login, the token and the time, and
 *       the browser goes back to the page that sent it to the login.
 *   <li>{@code POST /logout} (with the CSRF field): the session ends.
 * </ul>
 *
 * The token never appears in a URL or a log line.
 */
public final class GitHubLogin {

  public static final String LOGIN_PATH = "/login";
  public static final String LOGOUT_PATH = "/logout";
  static final String STATE = "oauth_state";

  private static final Logger LOG = LoggerFactory.getLogger(GitHubLogin.class);

  private final AuthSettings settings;
  private final OAuth2Auth oauth;
  private final GitHubUserApi github;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  /**
   * @param oauth the App's OAuth client; null when login is off
   */
  GitHubLogin(AuthSettings settings, OAuth2Auth oauth, GitHubUserApi github, Clock clock) {
    this.settings = settings;
    this.oauth = oauth;
    this.github = github;
    this.clock = clock;
  }

  void mount(Router router) {
    router.get(LOGIN_PATH).handler(this::login);
    router.get(AuthSettings.CALLBACK_PATH).handler(this::callback);
    router.post(LOGOUT_PATH).handler(this::logout);
  }

  private void login(RoutingContext ctx) {
    if (oauth == null) {
      WebPages.respond(ctx, 503, WebPages.loginOff());
      return;
    }
    byte[] bytes = new byte[24];
    random.nextBytes(bytes);
    String state = HexFormat.of().formatHex(bytes);
    ctx.session().put(STATE, state);
    String url =
        oauth.authorizeURL(
            new OAuth2AuthorizationURL().setRedirectUri(settings.callbackUrl()).setState(state));
    ctx.response().setStatusCode(302).putHeader("Location", url).end();
  }

  private void callback(RoutingContext ctx) {
    if (oauth == null) {
      WebPages.respond(ctx, 503, WebPages.loginOff());
      return;
    }
    Session session = ctx.session();
    String expected = session.get(STATE);
    String state = ctx.request().getParam("state");
    String code = ctx.request().getParam("code");
    if (ctx.request().getParam("error") != null) {
      WebPages.respond(ctx, 403, WebPages.loginFailed("GitHub did not authorize the sign-in."));
      return;
    }
    if (expected == null || state == null || !expected.equals(state) || code == null) {
      WebPages.respond(
          ctx, 400, WebPages.loginFailed("The sign-in expired or did not start here."));
      return;
    }
    session.remove(STATE);
    oauth
        .authenticate(
            new Oauth2Credentials()
                .setFlow(OAuth2FlowType.AUTH_CODE)
                .setCode(code)
                .setRedirectUri(settings.callbackUrl()))
        .compose(this::signedIn)
        .onSuccess(
            who -> {
              session.regenerateId();
              session.put(Access.LOGIN, who.login());
              session.put(Access.TOKEN, who.token());
              session.put(Access.SINCE, clock.millis());
              String back = session.remove(Access.RETURN_TO);
              LOG.info("{} signed in", who.login());
              ctx.response().setStatusCode(302).putHeader("Location", localPath(back)).end();
            })
        .onFailure(
            err -> {
              // The exception may quote GitHub's answer, never the token (none was obtained).
              LOG.warn("sign-in failed: {}", err.getClass().getSimpleName());
              WebPages.respond(
                  ctx, 403, WebPages.loginFailed("GitHub did not confirm the sign-in."));
            });
  }

  private Future<Viewer> signedIn(User user) {
    String token = user.principal().getString("access_token");
    if (token == null || token.isBlank()) {
      return Future.failedFuture(new IllegalStateException("no access_token in GitHub's answer"));
    }
    return github.login(token).map(login -> new Viewer(login, token, clock.instant()));
  }

  private void logout(RoutingContext ctx) {
    ctx.session().destroy();
    ctx.response().setStatusCode(303).putHeader("Location", "/").end();
  }

  /** Only a path of this site: no scheme, no host, no {@code //}; else {@code /}. */
  static String localPath(String back) {
    if (back == null
        || !back.startsWith("/")
        || back.startsWith("//")
        || back.startsWith("/\\")
        || back.chars().anyMatch(c -> c < 0x21)) {
      return "/";
    }
    return back;
  }
}
