package dev.solstice.integration.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solstice.integration.github.MutableClock;
import dev.solstice.simulator.github.GitHubSimulator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: GitHub login through the simulator's OAuth web flow, sessions in the encrypted cookie,
 * CSRF, the access API ({@link Access}) — over HTTP, the browser's part played by {@link
 * WebSession}.
 */
class GitHubLoginIT {

  private static final String CLIENT_ID = "Iv1.logintest";
  private static final String CLIENT_SECRET = "login-test-secret";

  private static Vertx vertx;
  private static GitHubSimulator sim;
  private static HttpServer server;
  private static WebAuth auth;
  private static String base;
  private static final MutableClock clock = new MutableClock();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    sim = await(GitHubSimulator.start(vertx));
    AtomicReference<Router> routes = new AtomicReference<>();
    server =
        await(
            vertx
                .createHttpServer()
                .requestHandler(r -> routes.get().handle(r))
                .listen(0, "127.0.0.1"));
    base = "http://127.0.0.1:" + server.actualPort();
    sim.users()
        .client(CLIENT_ID, CLIENT_SECRET, base + AuthSettings.CALLBACK_PATH)
        .grant("alice", "octo/private", "read")
        .grant("carol", "octo/private", "write")
        .user("bob")
        .user("erin")
        .publicRepo("octo/public")
        .teamMember("octo", "ops", "dave");
    AuthSettings settings =
        new AuthSettings(
            CLIENT_ID,
            CLIENT_SECRET,
            base,
            sim.webUrl(),
            sim.baseUrl(),
            List.of("erin", "octo/ops"),
            true,
            "k".repeat(40),
            Duration.ofHours(2),
            Duration.ofHours(8),
            Duration.ofMinutes(5));
    auth = WebAuth.create(vertx, settings, clock);
    Router router = Router.router(vertx);
    auth.mount(router);
    Access access = auth.access();
    router.get("/jobs/read/:owner/:repo").handler(ctx -> read(access, ctx));
    router
        .get("/jobs/form")
        .handler(ctx -> ctx.response().end("<form>" + Access.csrfField(ctx) + "</form>"));
    router.post("/jobs/form").handler(ctx -> ctx.response().end("posted"));
    router.get("/jobs/admin").handler(access.requireAdmin()).handler(ctx -> ctx.end("admin"));
    routes.set(router);
  }

  private static void read(Access access, RoutingContext ctx) {
    Viewer viewer = access.viewer(ctx);
    access
        .canRead(viewer, ctx.pathParam("owner") + "/" + ctx.pathParam("repo"))
        .onSuccess(
            ok -> {
              if (ok) {
                ctx.response().end("read by " + viewer);
              } else if (viewer.anonymous()) {
                access.sendToLogin(ctx);
              } else {
                WebPages.respond(ctx, 404, WebPages.notFound());
              }
            })
        .onFailure(err -> access.failed(ctx, err));
  }

  @AfterAll
  static void stop() throws Exception {
    auth.close();
    await(server.close());
    await(sim.close());
    await(vertx.close());
  }

  @Test
  void anAnonymousViewerOfAPrivateRepositoryIsSentToLoginAndBackAfter() throws Exception {
    WebSession browser = new WebSession();
    HttpResponse<String> page = browser.get(base + "/jobs/read/octo/private");
    assertThat(page.statusCode()).isEqualTo(302);
    assertThat(WebSession.location(page)).isEqualTo("/login");

    HttpResponse<String> login = browser.get(base + "/login");
    assertThat(login.statusCode()).isEqualTo(302);
    String authorize = WebSession.location(login);
    assertThat(authorize)
        .startsWith(sim.webUrl() + "/login/oauth/authorize?")
        .contains("client_id=" + CLIENT_ID)
        .contains("state=");

    sim.users().signIn("alice");
    HttpResponse<String> approved = browser.get(authorize);
    String callback = WebSession.location(approved);
    assertThat(callback).startsWith(base + AuthSettings.CALLBACK_PATH + "?code=");

    HttpResponse<String> back = browser.get(callback);
    assertThat(back.statusCode()).isEqualTo(302);
    assertThat(WebSession.location(back)).isEqualTo("/jobs/read/octo/private");
    String setCookie =
        back.headers().allValues("set-cookie").stream()
            .filter(c -> c.startsWith(WebAuth.SESSION_COOKIE + "="))
            .findFirst()
            .orElseThrow();
    assertThat(setCookie)
        .containsIgnoringCase("; HttpOnly")
        .containsIgnoringCase("; Secure")
        .containsIgnoringCase("; SameSite=Lax");
    // The cookie is encrypted: neither the login nor the token can be read from it.
    assertThat(browser.cookies.get(WebAuth.SESSION_COOKIE)).doesNotContain("ghu_", "alice");

    HttpResponse<String> seen = browser.get(base + "/jobs/read/octo/private");
    assertThat(seen.statusCode()).isEqualTo(200);
    assertThat(seen.body()).isEqualTo("read by Viewer[alice]");
  }

  @Test
  void aUserWithoutAccessGetsTheNotFoundPage() throws Exception {
    WebSession browser = signedIn("bob");
    HttpResponse<String> page = browser.get(base + "/jobs/read/octo/private");
    assertThat(page.statusCode()).isEqualTo(404);
    assertThat(page.body()).contains("Not found");
  }

  @Test
  void anonymousViewersReadPublicRepositories() throws Exception {
    HttpResponse<String> page = new WebSession().get(base + "/jobs/read/octo/public");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).isEqualTo("read by Viewer[anonymous]");
  }

  @Test
  void aForgedSessionCookieIsAnonymous() throws Exception {
    WebSession browser = signedIn("alice");
    String cookie = browser.cookies.get(WebAuth.SESSION_COOKIE);
    char[] c = cookie.toCharArray();
    c[c.length / 2] = c[c.length / 2] == 'A' ? 'B' : 'A';
    browser.cookies.put(WebAuth.SESSION_COOKIE, new String(c));
    HttpResponse<String> page = browser.get(base + "/jobs/read/octo/private");
    assertThat(page.statusCode()).isEqualTo(302);
    assertThat(WebSession.location(page)).isEqualTo("/login");
  }

  @Test
  void aSessionPastItsMaximumAgeGoesBackToLogin() throws Exception {
    WebSession browser = signedIn("carol");
    assertThat(browser.get(base + "/jobs/read/octo/private").statusCode()).isEqualTo(200);
    clock.advance(Duration.ofHours(9));
    try {
      HttpResponse<String> page = browser.get(base + "/jobs/read/octo/private");
      assertThat(page.statusCode()).isEqualTo(302);
      assertThat(WebSession.location(page)).isEqualTo("/login");
    } finally {
      clock.advance(Duration.ofHours(-9));
    }
  }

  @Test
  void aTokenGitHubNoLongerAcceptsEndsTheSession() throws Exception {
    WebSession browser = signedIn("erin");
    sim.users().revokeTokens();
    HttpResponse<String> page = browser.get(base + "/jobs/read/octo/private");
    assertThat(page.statusCode()).isEqualTo(302);
    assertThat(WebSession.location(page)).isEqualTo("/login");
  }

  @Test
  void aPostWithoutTheCsrfTokenIsRefused() throws Exception {
    WebSession browser = signedIn("alice");
    HttpResponse<String> form = browser.get(base + "/jobs/form");
    Matcher m = Pattern.compile("name=\"X-XSRF-TOKEN\" value=\"([^\"]+)\"").matcher(form.body());
    assertThat(m.find()).as(form.body()).isTrue();
    String token = m.group(1);

    assertThat(browser.post(base + "/jobs/form", Map.of("a", "b"), base).statusCode())
        .isEqualTo(403);
    HttpResponse<String> posted =
        browser.post(base + "/jobs/form", Map.of("X-XSRF-TOKEN", token), base);
    assertThat(posted.statusCode()).isEqualTo(200);
    assertThat(posted.body()).isEqualTo("posted");
    // A token of another session (an attacker's own) does not pass either.
    WebSession other = signedIn("bob");
    HttpResponse<String> foreign =
        other.post(base + "/jobs/form", Map.of("X-XSRF-TOKEN", token), base);
    assertThat(foreign.statusCode()).isEqualTo(403);
  }

  @Test
  void adminsAreListedLoginsAndMembersOfListedTeams() throws Exception {
    assertThat(signedIn("erin").get(base + "/jobs/admin").body()).isEqualTo("admin");
    assertThat(signedIn("dave").get(base + "/jobs/admin").body()).isEqualTo("admin");
    HttpResponse<String> bob = signedIn("bob").get(base + "/jobs/admin");
    assertThat(bob.statusCode()).isEqualTo(403);
    HttpResponse<String> anonymous = new WebSession().get(base + "/jobs/admin");
    assertThat(anonymous.statusCode()).isEqualTo(302);
  }

  @Test
  void aCallbackWithoutTheSessionsStateIsRefused() throws Exception {
    WebSession attacker = new WebSession();
    sim.users().signIn("alice");
    String authorize = WebSession.location(attacker.get(base + "/login"));
    String callback = WebSession.location(attacker.get(authorize));
    // The victim's browser is made to open the attacker's callback: its session has no such state.
    WebSession victim = new WebSession();
    HttpResponse<String> r = victim.get(callback);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(victim.get(base + "/jobs/read/octo/private").statusCode()).isEqualTo(302);
  }

  @Test
  void theTokenEndpointAnswersJsonOrAFormAsAsked() throws Exception {
    java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
    for (String accept : List.of("application/json", "*/*")) {
      var r =
          client.send(
              java.net.http.HttpRequest.newBuilder(
                      java.net.URI.create(sim.webUrl() + "/login/oauth/access_token"))
                  .header("Accept", accept)
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(
                      java.net.http.HttpRequest.BodyPublishers.ofString(
                          "client_id=" + CLIENT_ID + "&client_secret=wrong&code=nope"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      if (accept.equals("application/json")) {
        assertThat(new io.vertx.core.json.JsonObject(r.body()).getString("error"))
            .isEqualTo("incorrect_client_credentials");
      } else {
        assertThat(r.body()).startsWith("error=incorrect_client_credentials&");
      }
    }
  }

  /** A browser session signed in as {@code login} through the whole web flow. */
  private static WebSession signedIn(String login) throws Exception {
    WebSession browser = new WebSession();
    synchronized (GitHubLoginIT.class) {
      sim.users().signIn(login);
      HttpResponse<String> start = browser.get(base + "/login");
      HttpResponse<String> approved = browser.get(WebSession.location(start));
      HttpResponse<String> back = browser.get(WebSession.location(approved));
      assertThat(back.statusCode()).as(back.body()).isEqualTo(302);
    }
    return browser;
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
