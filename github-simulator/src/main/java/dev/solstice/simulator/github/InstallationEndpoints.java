package dev.solstice.simulator.github;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The installation listings, as GitHub answers them (issue 15):
 *
 * <ul>
 *   <li>{@code GET /app/installations} (App JWT): every installation of the App, paginated with
 *       {@code per_page} (default 30, at most 100) and {@code page}, {@code Link: rel="next"};
 *   <li>{@code GET /installation/repositories} (installation token): {@code {total_count,
 *       repositories, repository_selection}}, paginated the same way.
 * </ul>
 *
 * Installations are {@link GitHubSimulator#installation}'s; {@link #suspend} marks one suspended.
 */
final class InstallationEndpoints {

  private final GitHubSimulator sim;
  private final Map<Long, Instant> suspended = new ConcurrentHashMap<>();

  InstallationEndpoints(GitHubSimulator sim) {
    this.sim = sim;
  }

  static String operationOf(String method, String path) {
    if (!"GET".equals(method)) {
      return null;
    }
    if (path.equals("/app/installations")) {
      return "apps/list-installations";
    }
    if (path.equals("/installation/repositories")) {
      return "apps/list-repos-accessible-to-installation";
    }
    if (path.matches("/repos/[^/]+/[^/]+/installation")) {
      return "apps/get-repo-installation";
    }
    return null;
  }

  void register(Router router) {
    router.get("/app/installations").handler(this::listInstallations);
    router.get("/installation/repositories").handler(this::listRepositories);
    router.get("/repos/:owner/:repo/installation").handler(this::repositoryInstallation);
  }

  /** {@code GET /repos/{owner}/{repo}/installation} (App JWT): the installation holding it. */
  private void repositoryInstallation(RoutingContext ctx) {
    String failure = sim.verifyJwt(ctx);
    if (failure != null) {
      sim.error(ctx, 401, failure, null);
      return;
    }
    String repo = ctx.pathParam("owner") + "/" + ctx.pathParam("repo");
    GitHubSimulator.App signer = ctx.get(GitHubSimulator.SIGNER);
    sim.installationRepositories().entrySet().stream()
        .filter(e -> e.getValue().stream().anyMatch(r -> r.equalsIgnoreCase(repo)))
        // An installation of another App (issue 13's extra Apps) is not this App's.
        .filter(e -> sim.credentials().belongsTo(e.getKey(), signer.id()))
        .findFirst()
        .ifPresentOrElse(
            e ->
                ctx.response()
                    .putHeader("Content-Type", "application/json; charset=utf-8")
                    .end(installationJson(e.getKey(), e.getValue()).encode()),
            () -> sim.error(ctx, 404, "Not Found", GitHubSimulator.DOCS));
  }

  void suspend(long id, boolean on) {
    if (on) {
      suspended.put(id, sim.clockNow().truncatedTo(ChronoUnit.SECONDS));
    } else {
      suspended.remove(id);
    }
  }

  private void listInstallations(RoutingContext ctx) {
    String failure = sim.verifyJwt(ctx);
    if (failure != null) {
      sim.error(ctx, 401, failure, null);
      return;
    }
    List<JsonObject> all = new ArrayList<>();
    sim.installationRepositories().forEach((id, repos) -> all.add(installationJson(id, repos)));
    page(ctx, "/app/installations", all, list -> new JsonArray(new ArrayList<>(list)));
  }

  private void listRepositories(RoutingContext ctx) {
    String auth = ctx.request().getHeader("Authorization");
    long installation =
        auth == null
            ? 0
            : sim.installationOfToken(auth.replaceFirst("(?i)^(bearer|token)\\s+", ""));
    if (installation == 0) {
      sim.error(
          ctx,
          401,
          auth == null ? "Requires authentication" : "Bad credentials",
          GitHubSimulator.DOCS);
      return;
    }
    List<String> names = sim.installationRepositories().getOrDefault(installation, List.of());
    List<JsonObject> all = new ArrayList<>();
    names.forEach(n -> all.add(repositoryJson(n)));
    page(
        ctx,
        "/installation/repositories",
        all,
        list ->
            new JsonObject()
                .put("total_count", names.size())
                .put("repository_selection", "selected")
                .put("repositories", new JsonArray(new ArrayList<>(list))));
  }

  private void page(
      RoutingContext ctx,
      String path,
      List<JsonObject> all,
      java.util.function.Function<List<JsonObject>, Object> body) {
    int perPage;
    int page;
    try {
      perPage =
          Math.min(100, Math.max(1, Integer.parseInt(ctx.request().getParam("per_page", "30"))));
      page = Math.max(1, Integer.parseInt(ctx.request().getParam("page", "1")));
    } catch (NumberFormatException e) {
      sim.error(ctx, 422, "Invalid request: per_page and page must be integers", null);
      return;
    }
    int from = Math.min(all.size(), (page - 1) * perPage);
    int to = Math.min(all.size(), from + perPage);
    if (to < all.size()) {
      ctx.response()
          .putHeader(
              "link",
              "<"
                  + sim.baseUrl()
                  + path
                  + "?per_page="
                  + perPage
                  + "&page="
                  + (page + 1)
                  + ">; rel=\"next\"");
    }
    sim.json(ctx, 200, body.apply(all.subList(from, to)));
  }

  private JsonObject installationJson(long id, List<String> repos) {
    String owner =
        repos.isEmpty() ? "octocat" : repos.get(0).substring(0, repos.get(0).indexOf('/'));
    Instant since = suspended.get(id);
    String created = "2026-01-01T00:00:00Z";
    JsonObject account =
        new JsonObject()
            .put("login", owner)
            .put("id", 1_000 + Math.abs(owner.hashCode() % 100_000))
            .put("type", "Organization");
    return new JsonObject()
        .put("id", id)
        .put("account", account)
        .put("repository_selection", "selected")
        .put("access_tokens_url", sim.baseUrl() + "/app/installations/" + id + "/access_tokens")
        .put("repositories_url", sim.baseUrl() + "/installation/repositories")
        .put(
            "html_url",
            "https://github.com/organizations/" + owner + "/settings/installations/" + id)
        .put("app_id", sim.app().id())
        .put("app_slug", sim.app().slug())
        .put("target_id", account.getInteger("id"))
        .put("target_type", "Organization")
        .put(
            "permissions",
            // What the installation was given (GitHubSimulator#installation), as GitHub shows it.
            new JsonObject(new java.util.TreeMap<String, Object>(sim.installationView(id).perms())))
        .put(
            "events",
            new JsonArray(List.copyOf(Set.of("push", "pull_request")).stream().sorted().toList()))
        .put("created_at", created)
        .put("updated_at", created)
        .put("single_file_name", null)
        .put("suspended_at", since == null ? null : since.toString())
        .put(
            "suspended_by",
            since == null
                ? null
                : new JsonObject()
                    .put("login", owner)
                    .put("id", account.getInteger("id"))
                    .put("type", "User"));
  }

  private JsonObject repositoryJson(String fullName) {
    return sim.repoJson(fullName)
        .put("owner", new JsonObject().put("login", fullName.substring(0, fullName.indexOf('/'))));
  }
}
