package dev.solstice.simulator.github;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The endpoints behind the service's trust decisions (issue 17), in GitHub's shapes: the pull
 * requests of a commit ({@code GET /repos/{o}/{r}/commits/{sha}/pulls}, what a fork's Re-run is
 * judged by), commit statuses ({@code POST /repos/{o}/{r}/statuses/{sha}}, the reporting of a
 * personal access token, which GitHub refuses check-run writes) and {@code GET /meta} (the {@code
 * hooks} ranges webhooks come from). Registered by {@link GitHubSimulator}; reached through {@link
 * GitHubSimulator#trust()}.
 */
public final class TrustEndpoints {

  /** GitHub's answer to a check-run write made with a personal access token. */
  public static final String APP_ONLY = "You must authenticate via a GitHub App.";

  private static final Set<String> STATES = Set.of("error", "failure", "pending", "success");

  private final GitHubSimulator sim;
  private final Map<String, List<JsonObject>> pulls = new HashMap<>();
  private final Map<String, List<JsonObject>> statuses = new HashMap<>();
  private final AtomicLong ids = new AtomicLong(50_000);
  private List<String> hooks =
      List.of("192.30.252.0/22", "185.199.108.0/22", "140.82.112.0/20", "143.55.64.0/20");
  private int metaFailures;

  TrustEndpoints(GitHubSimulator sim) {
    this.sim = sim;
  }

  void register(Router router) {
    router.get("/repos/:owner/:repo/commits/:sha/pulls").handler(this::pullsOfCommit);
    router.post("/repos/:owner/:repo/statuses/:sha").handler(this::createStatus);
    router.get("/meta").handler(this::meta);
  }

  /** The operation id of a path these endpoints serve, or null. */
  static String operationOf(String method, String path) {
    if (method.equals("GET") && path.equals("/meta")) {
      return "meta/get";
    }
    if (method.equals("GET") && path.matches("/repos/[^/]+/[^/]+/commits/[^/]+/pulls")) {
      return "repos/list-pull-requests-associated-with-commit";
    }
    if (method.equals("POST") && path.matches("/repos/[^/]+/[^/]+/statuses/[^/]+")) {
      return "repos/create-commit-status";
    }
    return null;
  }

  // ---- test API --------------------------------------------------------------------------

  /**
   * An open pull request of {@code repo} whose head is {@code headSha} in {@code headRepo} (a fork
   * when not {@code repo}), by {@code author} with {@code association}.
   */
  public synchronized void putPullRequest(
      String repo,
      int number,
      String headSha,
      String headRepo,
      String baseRef,
      String baseSha,
      String author,
      String association) {
    JsonObject pr =
        new JsonObject()
            .put("url", sim.baseUrl() + "/repos/" + repo + "/pulls/" + number)
            .put("id", 100_000L + number)
            .put("node_id", "PR_" + number)
            .put("html_url", "https://github.com/" + repo + "/pull/" + number)
            .put("diff_url", "https://github.com/" + repo + "/pull/" + number + ".diff")
            .put("patch_url", "https://github.com/" + repo + "/pull/" + number + ".patch")
            .put("issue_url", sim.baseUrl() + "/repos/" + repo + "/issues/" + number)
            .put("commits_url", sim.baseUrl() + "/repos/" + repo + "/pulls/" + number + "/commits")
            .put(
                "review_comments_url",
                sim.baseUrl() + "/repos/" + repo + "/pulls/" + number + "/comments")
            .put(
                "review_comment_url", sim.baseUrl() + "/repos/" + repo + "/pulls/comments{/number}")
            .put(
                "comments_url",
                sim.baseUrl() + "/repos/" + repo + "/issues/" + number + "/comments")
            .put("statuses_url", sim.baseUrl() + "/repos/" + repo + "/statuses/" + headSha)
            .put("number", number)
            .put("state", "open")
            .put("locked", false)
            .put("title", "Pull request #" + number)
            .put("user", user(author))
            .put("body", null)
            .put("labels", new JsonArray())
            .put("milestone", null)
            .put("created_at", sim.nowText())
            .put("updated_at", sim.nowText())
            .put("closed_at", null)
            .put("merged_at", null)
            .put("merge_commit_sha", null)
            .put("assignee", null)
            .put(
                "head",
                new JsonObject()
                    .put("label", headRepo.split("/")[0] + ":patch")
                    .put("ref", "patch")
                    .put("sha", headSha)
                    .put("user", user(headRepo.split("/")[0]))
                    .put("repo", sim.repoJsonOf(headRepo)))
            .put(
                "base",
                new JsonObject()
                    .put("label", repo.split("/")[0] + ":" + baseRef)
                    .put("ref", baseRef)
                    .put("sha", baseSha)
                    .put("user", user(repo.split("/")[0]))
                    .put("repo", sim.repoJsonOf(repo)))
            .put("_links", new JsonObject())
            .put("author_association", association)
            .put("auto_merge", null)
            .put("draft", false);
    pulls.computeIfAbsent(norm(repo), k -> new ArrayList<>()).add(pr);
  }

  /** The commit statuses created on {@code repo}, oldest first. */
  public synchronized List<JsonObject> statuses(String repo) {
    return statuses.getOrDefault(norm(repo), List.of()).stream().map(JsonObject::copy).toList();
  }

  /** The {@code hooks} CIDR ranges {@code GET /meta} lists. */
  public synchronized void hookRanges(List<String> ranges) {
    this.hooks = List.copyOf(ranges);
  }

  /** The next {@code n} {@code GET /meta} calls answer 500. */
  public synchronized void failMeta(int n) {
    this.metaFailures = n;
  }

  // ---- handlers --------------------------------------------------------------------------

  private void pullsOfCommit(RoutingContext ctx) {
    if (!sim.authorizeRead(ctx, "pull_requests")) {
      return;
    }
    String sha = ctx.pathParam("sha");
    JsonArray out = new JsonArray();
    synchronized (this) {
      for (JsonObject pr : pulls.getOrDefault(repoOf(ctx), List.of())) {
        if (sha.equals(pr.getJsonObject("head").getString("sha"))) {
          out.add(pr.copy());
        }
      }
    }
    sim.respondJson(ctx, 200, out);
  }

  private void createStatus(RoutingContext ctx) {
    JsonObject body = sim.authorizedWrite(ctx, "statuses");
    if (body == null) {
      return;
    }
    String state = body.getString("state");
    if (!STATES.contains(state)) {
      sim.respondError(ctx, 422, "Validation Failed");
      return;
    }
    long id = ids.incrementAndGet();
    String repo = repoOf(ctx);
    String sha = ctx.pathParam("sha");
    String now = sim.nowText();
    JsonObject status =
        new JsonObject()
            .put("url", sim.baseUrl() + "/repos/" + repo + "/statuses/" + sha)
            .put("avatar_url", null)
            .put("id", id)
            .put("node_id", "SC_" + id)
            .put("state", state)
            .put("description", body.getString("description"))
            .put("target_url", body.getString("target_url"))
            .put("context", body.getString("context", "default"))
            .put("created_at", now)
            .put("updated_at", now)
            .put("creator", user("token-owner"))
            .put("sha", sha);
    synchronized (this) {
      statuses.computeIfAbsent(repo, k -> new ArrayList<>()).add(status);
    }
    JsonObject answer = status.copy();
    answer.remove("sha");
    sim.respondJson(ctx, 201, answer);
  }

  private void meta(RoutingContext ctx) {
    JsonObject body;
    synchronized (this) {
      if (metaFailures > 0) {
        metaFailures--;
        sim.respondError(ctx, 500, "Server Error");
        return;
      }
      body =
          new JsonObject()
              .put("verifiable_password_authentication", false)
              .put("hooks", new JsonArray(new ArrayList<>(hooks)))
              .put("web", new JsonArray().add("140.82.112.0/20"))
              .put("api", new JsonArray().add("140.82.112.0/20"))
              .put("git", new JsonArray().add("140.82.112.0/20"));
    }
    sim.respondJson(ctx, 200, body);
  }

  private static JsonObject user(String login) {
    return new JsonObject()
        .put("login", login)
        .put("id", Math.abs(login.hashCode()))
        .put("type", "User");
  }

  private static String norm(String repo) {
    return repo.toLowerCase(Locale.ROOT);
  }

  private static String repoOf(RoutingContext ctx) {
    return norm(ctx.pathParam("owner") + "/" + ctx.pathParam("repo"));
  }
}
