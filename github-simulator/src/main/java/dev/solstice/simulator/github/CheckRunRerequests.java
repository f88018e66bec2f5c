package dev.solstice.simulator.github;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code POST /repos/{owner}/{repo}/check-runs/{check_run_id}/rerequest} ({@code
 * checks/rerequest-run}), what GitHub's Re-run button does (issue 16): with a user token of a user
 * who can write to the repository ({@link UserAccounts#grant}) or an installation token covering
 * it, GitHub answers 201 and sends the App the {@code check_run} webhook with action {@code
 * rerequested} — here to the targets tests register ({@link #webhookTarget}), signed with their
 * secret as GitHub signs ({@code X-Hub-Signature-256}). A reader gets 403, anyone else 404.
 */
public final class CheckRunRerequests {

  private record Target(String url, String secret) {}

  private final GitHubSimulator sim;
  private final List<Target> targets = new CopyOnWriteArrayList<>();
  private final List<JsonObject> sent = new CopyOnWriteArrayList<>();
  private final Map<String, String> branches = new HashMap<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  CheckRunRerequests(GitHubSimulator sim) {
    this.sim = sim;
  }

  // ---- test API ------------------------------------------------------------------------------

  /** Where the App's webhooks go (its webhook URL and secret). */
  public CheckRunRerequests webhookTarget(String url, String secret) {
    targets.add(new Target(url, secret));
    return this;
  }

  /** The branch GitHub knows the commit was pushed to (the suite's {@code head_branch}). */
  public synchronized CheckRunRerequests headBranch(String repo, String sha, String branch) {
    branches.put(repo.toLowerCase(Locale.ROOT) + "@" + sha, branch);
    return this;
  }

  /** The rerequested payloads sent so far. */
  public List<JsonObject> sent() {
    return List.copyOf(sent);
  }

  // ---- route ---------------------------------------------------------------------------------

  void register(Router api) {
    api.post("/repos/:owner/:repo/check-runs/:id/rerequest").handler(this::rerequest);
  }

  static String operationOf(String method, String path) {
    return method.equals("POST") && path.matches("/repos/[^/]+/[^/]+/check-runs/\\d+/rerequest")
        ? "checks/rerequest-run"
        : null;
  }

  private void rerequest(RoutingContext ctx) {
    String repo = ctx.pathParam("owner") + "/" + ctx.pathParam("repo");
    String auth = ctx.request().getHeader("Authorization");
    String token = auth == null ? null : auth.replaceFirst("(?i)^(bearer|token)\\s+", "").trim();
    String login = sim.users().loginOf(token);
    var installationRepos = token == null ? null : sim.reposOfToken(token);
    boolean installation =
        installationRepos != null && installationRepos.contains(repo.toLowerCase(Locale.ROOT));
    if (login == null && !installation) {
      sim.respondError(ctx, 401, "Requires authentication");
      return;
    }
    if (login != null) {
      String permission = sim.users().permission(login, repo);
      boolean reads = permission != null || sim.users().isPublic(repo);
      boolean writes =
          permission != null && !permission.equals("read") && !permission.equals("triage");
      if (!writes) {
        sim.respondError(
            ctx, reads ? 403 : 404, reads ? "Must have admin rights to Repository." : "Not Found");
        return;
      }
    }
    long id;
    try {
      id = Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      sim.respondError(ctx, 404, "Not Found");
      return;
    }
    JsonObject run =
        sim.checkRuns(repo).stream().filter(r -> r.getLong("id") == id).findFirst().orElse(null);
    if (run == null) {
      sim.respondError(ctx, 404, "Not Found");
      return;
    }
    sim.respondJson(ctx, 201, new JsonObject());
    JsonObject payload = payload(repo, run, login);
    sent.add(payload);
    targets.forEach(t -> deliver(t, payload));
  }

  private JsonObject payload(String repo, JsonObject run, String login) {
    String sha = run.getString("head_sha");
    String branch;
    synchronized (this) {
      branch = branches.get(repo.toLowerCase(Locale.ROOT) + "@" + sha);
    }
    JsonObject suite =
        run.getJsonObject("check_suite", new JsonObject())
            .copy()
            .put("head_branch", branch)
            .put("head_sha", sha)
            .put("status", "completed")
            .put("pull_requests", new JsonArray())
            .put("app", run.getJsonObject("app"));
    JsonObject checkRun = run.copy().put("check_suite", suite);
    JsonObject repository = sim.repoJsonOf(repo);
    String html = sim.webUrl() + "/" + repo;
    repository
        .put("clone_url", html + ".git")
        .put("html_url", html)
        .put("default_branch", "main")
        .put(
            "owner",
            new JsonObject()
                .put("login", repo.substring(0, repo.indexOf('/')))
                .put("type", "User"));
    long installation =
        sim.installationRepositories().entrySet().stream()
            .filter(e -> e.getValue().stream().anyMatch(r -> r.equalsIgnoreCase(repo)))
            .map(Map.Entry::getKey)
            .findFirst()
            .orElse(0L);
    JsonObject sender =
        login == null
            ? sim.bot()
            : new JsonObject().put("login", login).put("id", 1).put("type", "User");
    return new JsonObject()
        .put("action", "rerequested")
        .put("check_run", checkRun)
        .put("repository", repository)
        .put("sender", sender)
        .put(
            "installation",
            new JsonObject().put("id", installation).put("node_id", "I_" + installation));
  }

  private void deliver(Target target, JsonObject payload) {
    byte[] body = payload.encode().getBytes(StandardCharsets.UTF_8);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(target.url()))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .header("User-Agent", "GitHub-Hookshot/simulator")
            .header("X-GitHub-Event", "check_run")
            .header("X-GitHub-Delivery", UUID.randomUUID().toString())
            .header("X-GitHub-Hook-Installation-Target-Type", "integration")
            .header("X-Hub-Signature-256", "sha256=" + hmac(target.secret(), body))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .whenComplete(
            (r, err) ->
                sim.addHookDelivery("check_run", "rerequested", r == null ? 502 : r.statusCode()));
  }

  private static String hmac(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
