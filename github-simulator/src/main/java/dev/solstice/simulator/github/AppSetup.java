package dev.solstice.simulator.github;

import io.vertx.core.Handler;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * GitHub's side of setting an App up, and of its Setup URL:
 *
 * <ul>
 *   <li>{@code POST /settings/apps/new?state=} (or {@code /organizations/{org}/settings/apps/new},
 *       also as GET) takes the manifest form ({@code manifest} = the manifest JSON). GitHub asks
 *       the user to confirm; the simulator approves at once and redirects to the manifest's {@code
 *       redirect_url} with {@code ?code=&state=}.
 *   <li>{@code POST /app-manifests/{code}/conversions} (no authentication) turns the code into the
 *       App, in GitHub's shape ({@code apps/create-from-manifest}): id, slug, owner, permissions,
 *       events, {@code client_id}, {@code client_secret}, {@code webhook_secret}, {@code pem}. A
 *       code works once and expires after an hour, as GitHub's do. The new App's JWTs are accepted
 *       from then on.
 *   <li>{@code GET /app/installations/{id}} (App JWT): what an installation is, for the Setup URL
 *       page ({@code GET /installation/repositories} is {@link InstallationEndpoints}').
 * </ul>
 */
final class AppSetup {

  /** What the Setup URL page needs of an installation. */
  record InstallationView(
      long id, String account, java.util.SortedSet<String> repos, Map<String, String> perms) {}

  private record Pending(JsonObject manifest, String state, String org, Instant expiresAt) {}

  static final Duration CODE_LIFETIME = Duration.ofHours(1);
  static final String USER = "sim-user";

  private final GitHubSimulator sim;
  private final SecureRandom random = new SecureRandom();
  private final AtomicLong appIds = new AtomicLong(90_000);
  private final Map<String, Pending> codes = new HashMap<>();
  private final Map<String, GitHubSimulator.App> byState = new HashMap<>();

  AppSetup(GitHubSimulator sim) {
    this.sim = sim;
  }

  /**
   * @param web the server root (GitHub's web host)
   * @param api the REST API's router (below the Enterprise prefix, if any)
   * @param bodies a body handler for the web routes, or null when {@code api} already has one and
   *     {@code web} is the same router
   */
  void routes(Router web, Router api, Handler<RoutingContext> bodies) {
    for (String path : List.of("/settings/apps/new", "/organizations/:org/settings/apps/new")) {
      if (bodies != null) {
        web.route(path).handler(bodies);
      }
      web.post(path).handler(this::newApp);
      web.get(path).handler(this::newApp);
    }
    api.post("/app-manifests/:code/conversions").handler(this::convert);
    api.get("/app/installations/:id").handler(this::installation);
  }

  synchronized Optional<GitHubSimulator.App> createdFor(String state) {
    return Optional.ofNullable(byState.get(state));
  }

  private void newApp(RoutingContext ctx) {
    String text = ctx.request().getParam("manifest");
    String state = ctx.request().getParam("state");
    JsonObject manifest;
    try {
      manifest = text == null ? null : new JsonObject(text);
    } catch (DecodeException e) {
      manifest = null;
    }
    String redirect = manifest == null ? null : manifest.getString("redirect_url");
    if (manifest == null
        || manifest.getString("url") == null
        || redirect == null
        || (manifest.getJsonObject("hook_attributes") != null
            && manifest.getJsonObject("hook_attributes").getString("url") == null)) {
      ctx.response()
          .setStatusCode(422)
          .putHeader("content-type", "text/plain; charset=utf-8")
          .end(
              "Invalid GitHub App manifest: a JSON manifest with url and redirect_url is required");
      return;
    }
    String code = hex(10);
    synchronized (this) {
      codes.put(
          code,
          new Pending(manifest, state, ctx.pathParam("org"), sim.clockNow().plus(CODE_LIFETIME)));
    }
    String location =
        redirect
            + (redirect.contains("?") ? "&" : "?")
            + "code="
            + code
            + (state == null ? "" : "&state=" + URLEncoder.encode(state, StandardCharsets.UTF_8));
    ctx.response().setStatusCode(302).putHeader("location", location).end();
  }

  private void convert(RoutingContext ctx) {
    Pending p;
    synchronized (this) {
      p = codes.remove(ctx.pathParam("code"));
    }
    if (p == null || !p.expiresAt().isAfter(sim.clockNow())) {
      sim.error(ctx, 404, "Not Found", GitHubSimulator.DOCS);
      return;
    }
    JsonObject m = p.manifest();
    String name = m.getString("name", "GitHub App");
    String slug =
        name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
    GitHubSimulator.App app =
        new GitHubSimulator.App(appIds.incrementAndGet(), slug, TestKeys.generate());
    sim.registerApp(app);
    synchronized (this) {
      if (p.state() != null) {
        byState.put(p.state(), app);
      }
    }
    String now = sim.clockNow().truncatedTo(ChronoUnit.SECONDS).toString();
    String owner = p.org() != null ? p.org() : USER;
    JsonObject answer =
        new JsonObject()
            .put("id", app.id())
            .put("slug", slug)
            .put("node_id", "A_kw" + app.id())
            .put("client_id", "Iv23" + hex(8))
            .put(
                "owner",
                new JsonObject()
                    .put("login", owner)
                    .put("id", Math.abs((long) owner.hashCode()))
                    .put("type", p.org() != null ? "Organization" : "User"))
            .put("name", name)
            .put("description", m.getString("description"))
            .put("external_url", m.getString("url"))
            .put("html_url", sim.webUrl() + "/apps/" + slug)
            .put("created_at", now)
            .put("updated_at", now)
            .put(
                "permissions",
                new JsonObject(
                    new TreeMap<>(
                        m.getJsonObject("default_permissions", new JsonObject()).getMap())))
            .put("events", m.getJsonArray("default_events", new JsonArray()))
            .put("installations_count", 0)
            .put("client_secret", hex(20))
            .put("webhook_secret", m.getJsonObject("hook_attributes") == null ? null : hex(20))
            .put("pem", app.pkcs1Pem());
    // Issue 16: the App's OAuth client, for "Sign in with GitHub" at its callback URLs.
    sim.users()
        .client(
            answer.getString("client_id"),
            answer.getString("client_secret"),
            m.getJsonArray("callback_urls", new JsonArray()).stream()
                .map(String::valueOf)
                .toList());
    sim.json(ctx, 201, answer);
  }

  private void installation(RoutingContext ctx) {
    String failure = sim.verifyJwt(ctx);
    if (failure != null) {
      sim.error(ctx, 401, failure, null);
      return;
    }
    InstallationView inst;
    try {
      inst = sim.installationView(Long.parseLong(ctx.pathParam("id")));
    } catch (NumberFormatException e) {
      inst = null;
    }
    if (inst == null) {
      sim.error(ctx, 404, "Not Found", GitHubSimulator.DOCS);
      return;
    }
    String now = sim.clockNow().truncatedTo(ChronoUnit.SECONDS).toString();
    JsonObject account =
        new JsonObject()
            .put("login", inst.account())
            .put("id", Math.abs((long) inst.account().hashCode()))
            .put("type", "Organization")
            .put("html_url", sim.webUrl() + "/" + inst.account());
    String api = sim.baseUrl();
    sim.json(
        ctx,
        200,
        new JsonObject()
            .put("id", inst.id())
            .put("account", account)
            .put("repository_selection", "selected")
            .put("access_tokens_url", api + "/app/installations/" + inst.id() + "/access_tokens")
            .put("repositories_url", api + "/installation/repositories")
            .put("html_url", sim.webUrl() + "/settings/installations/" + inst.id())
            .put("app_id", sim.app().id())
            .put("app_slug", sim.app().slug())
            .put("target_id", account.getLong("id"))
            .put("target_type", "Organization")
            .put("permissions", new JsonObject(new TreeMap<>(inst.perms())))
            .put("events", new JsonArray().add("push").add("pull_request"))
            .put("single_file_name", null)
            .put("suspended_at", null)
            .put("suspended_by", null)
            .put("created_at", now)
            .put("updated_at", now));
  }

  private String hex(int bytes) {
    byte[] b = new byte[bytes];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
