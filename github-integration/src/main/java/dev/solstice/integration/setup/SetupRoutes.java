package dev.solstice.integration.setup;

import dev.solstice.integration.core.GitHubApiException;
import dev.solstice.integration.github.GitHubClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The setup pages (issue 15):
 *
 * <ul>
 *   <li>{@code GET /github/app/new[?org=NAME]}: a form that posts the completed App manifest to
 *       GitHub, with a one-time {@code state} (served when {@code SETUP_ENABLED=true} or while no
 *       App is configured);
 *   <li>{@code GET /github/app/callback?code=&state=}: checks the state, converts the code ({@code
 *       POST /app-manifests/{code}/conversions}, no authentication) and writes the credentials
 *       ({@link CredentialFiles});
 *   <li>{@code GET /github/setup?installation_id=&setup_action=}: the App's Setup URL, what was
 *       installed where, as GitHub's API tells it.
 * </ul>
 *
 * States live in this process for an hour: run the setup against one replica.
 */
public final class SetupRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(SetupRoutes.class);
  static final Duration STATE_LIFETIME = Duration.ofHours(1);
  private static final int MAX_PENDING = 1000;

  private final Vertx vertx;
  private final SetupSettings settings;
  private final boolean serveNewApp;
  private final String webhookPath;
  private final GitHubClient github;
  private final ManifestForm manifest;
  private final Clock clock;
  private final WebClient http;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Instant> states = new ConcurrentHashMap<>();

  /**
   * @param github the App's client for the Setup URL page; null while no App is configured
   *     (GITHUB_APP_ID unset: then {@code /github/app/new} is served without {@code
   *     SETUP_ENABLED=true})
   */
  public SetupRoutes(
      Vertx vertx, SetupSettings settings, String webhookPath, GitHubClient github, Clock clock) {
    this.vertx = vertx;
    this.settings = settings;
    this.serveNewApp = settings.enabled() || github == null;
    this.webhookPath = webhookPath;
    this.github = github;
    this.manifest = ManifestForm.packaged();
    this.clock = clock;
    this.http =
        WebClient.create(
            vertx,
            new WebClientOptions()
                .setUserAgent("solstice-ci-setup")
                .setConnectTimeout(10_000)
                .setFollowRedirects(false));
  }

  /** Whether {@code /github/app/new} is served. */
  public boolean servesNewApp() {
    return serveNewApp;
  }

  /** PUBLIC_URL when set, else {@code fallback}. */
  public String publicUrlOr(String fallback) {
    return settings.publicUrl() != null ? settings.publicUrl().toString() : fallback;
  }

  public void mount(Router router) {
    if (serveNewApp) {
      router.get(ManifestForm.NEW_APP_PATH).handler(this::newApp);
      router.get(ManifestForm.CALLBACK_PATH).handler(this::callback);
    }
    router.get(ManifestForm.SETUP_PATH).handler(this::installed);
  }

  private void newApp(RoutingContext ctx) {
    String org = ctx.request().getParam("org");
    if (org != null && !ManifestForm.validOrg(org)) {
      html(ctx, 400, SetupPages.problem("Bad organisation", "Not an organisation login: " + org));
      return;
    }
    String base = base(ctx);
    String state = newState();
    JsonObject m = manifest.complete(base, webhookPath);
    html(
        ctx,
        200,
        SetupPages.newApp(
            ManifestForm.action(settings.githubWebUrl(), org, state),
            m.encodePrettily(),
            org,
            base));
  }

  private void callback(RoutingContext ctx) {
    String code = ctx.request().getParam("code");
    String state = ctx.request().getParam("state");
    Instant expires = state == null ? null : states.remove(state);
    if (expires == null || expires.isBefore(clock.instant())) {
      html(
          ctx,
          400,
          SetupPages.problem(
              "Setup refused",
              "This answer does not carry a state this service handed out in the last hour (or"
                  + " it was used already). Start again from "
                  + ManifestForm.NEW_APP_PATH
                  + "."));
      return;
    }
    if (code == null || !code.matches("[A-Za-z0-9_-]{1,100}")) {
      html(ctx, 400, SetupPages.problem("Setup refused", "GitHub's answer has no usable code."));
      return;
    }
    convert(code)
        .compose(
            app ->
                vertx.executeBlocking(
                    () -> CredentialFiles.write(settings.outputDir(), app), false))
        .onSuccess(
            w -> {
              // The variables to set; the secrets stay in their files.
              LOG.info(
                  "GitHub App {} (id {}) created; its credentials are in {}. Set GITHUB_APP_ID={}"
                      + " GITHUB_APP_KEY_PATH={} and the secrets from that directory (source {}),"
                      + " then restart",
                  w.slug(),
                  w.appId(),
                  w.directory(),
                  w.appId(),
                  w.keyFile(),
                  w.envFile());
              html(ctx, 200, SetupPages.created(w));
            })
        .onFailure(
            e -> {
              LOG.warn("GitHub App setup failed: {}", e.getMessage());
              html(ctx, 502, SetupPages.problem("Setup failed", e.getMessage()));
            });
  }

  private Future<JsonObject> convert(String code) {
    URI url = URI.create(settings.apiBase() + "/app-manifests/" + code + "/conversions");
    return http.postAbs(url.toString())
        .putHeader("Accept", "application/vnd.github+json")
        .putHeader("X-GitHub-Api-Version", "2022-11-28")
        .timeout(15_000)
        .send()
        .compose(
            resp -> {
              if (resp.statusCode() != 201) {
                String message;
                try {
                  message = resp.bodyAsJsonObject().getString("message", "");
                } catch (RuntimeException notJson) {
                  message = "";
                }
                return Future.failedFuture(
                    new IllegalStateException(
                        "GitHub answered "
                            + resp.statusCode()
                            + " to the code conversion ("
                            + message
                            + "); codes work once and for an hour: start again from "
                            + ManifestForm.NEW_APP_PATH));
              }
              JsonObject app = resp.bodyAsJsonObject();
              if (app.getLong("id") == null || app.getString("pem") == null) {
                return Future.failedFuture(
                    new IllegalStateException("GitHub's conversion answer has no id or pem"));
              }
              return Future.succeededFuture(app);
            });
  }

  private void installed(RoutingContext ctx) {
    long id;
    try {
      id = Long.parseLong(ctx.request().getParam("installation_id", ""));
    } catch (NumberFormatException e) {
      html(ctx, 400, SetupPages.problem("Bad request", "installation_id must be a number."));
      return;
    }
    if (github == null) {
      html(
          ctx,
          200,
          SetupPages.problem(
              "App not configured yet",
              "Installation "
                  + id
                  + " was made, but this service has no GitHub App configured: set GITHUB_APP_ID"
                  + " and GITHUB_APP_KEY_PATH (written by the setup) and restart; the"
                  + " installation's pushes and pull requests are then served."));
      return;
    }
    boolean update = "update".equals(ctx.request().getParam("setup_action"));
    github
        .getInstallation(id)
        .compose(
            inst ->
                github
                    .listInstallationRepositories(id)
                    .map(repos -> SetupPages.installed(inst, repos, update)))
        .onSuccess(page -> html(ctx, 200, page))
        .onFailure(
            e -> {
              boolean gone = e instanceof GitHubApiException.NotFound;
              html(
                  ctx,
                  gone ? 404 : 502,
                  SetupPages.problem(
                      gone ? "Installation not found" : "GitHub did not answer",
                      gone
                          ? "GitHub knows no installation " + id + " of this App."
                          : "Could not ask GitHub about installation "
                              + id
                              + ": "
                              + e.getMessage()));
            });
  }

  /** PUBLIC_URL, else the origin the browser used. */
  private String base(RoutingContext ctx) {
    if (settings.publicUrl() != null) {
      return settings.publicUrl().toString();
    }
    String host = ctx.request().getHeader("Host");
    return ctx.request().scheme()
        + "://"
        + (host != null ? host : String.valueOf(ctx.request().authority()));
  }

  private String newState() {
    Instant now = clock.instant();
    states.values().removeIf(exp -> exp.isBefore(now));
    if (states.size() >= MAX_PENDING) {
      states.clear();
    }
    byte[] b = new byte[16];
    random.nextBytes(b);
    String state = HexFormat.of().formatHex(b);
    states.put(state, now.plus(STATE_LIFETIME));
    return state;
  }

  private static void html(RoutingContext ctx, int status, String body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .putHeader("X-Frame-Options", "DENY")
        .end(body);
  }

  public void close() {
    http.close();
  }
}
