package dev.solstice.simulator.github;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Issue 13: what a job writes to its repository, in GitHub's shapes and with GitHub's permission
 * checks ({@code contents: write} for each): commit comments, releases, release assets on the
 * uploads host (served under {@code /uploads}, see {@link GitHubSimulator#uploadsUrl()}), and
 * creating or updating a file (the {@code sha} of the file it replaces is required and must match,
 * else 409 as GitHub answers).
 */
public final class RepositoryWrites {

  private final GitHubSimulator sim;

  // Guarded by "this".
  private final Map<String, List<JsonObject>> commitComments = new HashMap<>();
  private final Map<String, List<JsonObject>> releases = new HashMap<>();
  private final Map<Long, List<JsonObject>> assets = new HashMap<>();
  private final Map<Long, byte[]> assetBytes = new HashMap<>();

  RepositoryWrites(GitHubSimulator sim) {
    this.sim = sim;
  }

  void register(Router router) {
    router
        .post("/repos/:owner/:repo/commits/:sha/comments")
        .handler(contentsWrite(this::createCommitComment));
    router.post("/repos/:owner/:repo/releases").handler(contentsWrite(this::createRelease));
    router.put("/repos/:owner/:repo/contents/*").handler(contentsWrite(this::putContent));
    router.post("/uploads/repos/:owner/:repo/releases/:id/assets").handler(this::uploadAsset);
  }

  /** The GitHub operation id of a request this class serves, else null. */
  static String operationOf(String method, String path) {
    if (method.equals("POST") && path.matches("/repos/[^/]+/[^/]+/commits/[^/]+/comments")) {
      return "repos/create-commit-comment";
    }
    if (method.equals("POST") && path.matches("/repos/[^/]+/[^/]+/releases")) {
      return "repos/create-release";
    }
    if (method.equals("PUT") && path.matches("/repos/[^/]+/[^/]+/contents/.+")) {
      return "repos/create-or-update-file-contents";
    }
    if (method.equals("POST") && path.matches("/uploads/repos/[^/]+/[^/]+/releases/[^/]+/assets")) {
      return "repos/upload-release-asset";
    }
    return null;
  }

  // ---- test API --------------------------------------------------------------------------

  public synchronized List<JsonObject> commitComments(String repo) {
    return commitComments.getOrDefault(repo.toLowerCase(), List.of()).stream()
        .map(JsonObject::copy)
        .toList();
  }

  public synchronized List<JsonObject> releases(String repo) {
    return releases.getOrDefault(repo.toLowerCase(), List.of()).stream()
        .map(JsonObject::copy)
        .toList();
  }

  public synchronized List<JsonObject> assets(long releaseId) {
    return assets.getOrDefault(releaseId, List.of()).stream().map(JsonObject::copy).toList();
  }

  public synchronized byte[] assetBytes(long assetId) {
    return assetBytes.get(assetId);
  }

  // ---- handlers --------------------------------------------------------------------------

  /** A write with a JSON body that needs {@code contents: write}. */
  @FunctionalInterface
  private interface ContentsWrite {
    void handle(RoutingContext ctx, String repo, JsonObject body);
  }

  /**
   * The route handler of {@code write}: checks the permission and reads the body (refusing as
   * GitHub does), then hands the repository and the body to it.
   */
  private Handler<RoutingContext> contentsWrite(ContentsWrite write) {
    return ctx -> {
      JsonObject body = sim.writeBody(ctx, "contents");
      if (body != null) {
        write.handle(ctx, sim.repoIn(ctx), body);
      }
    };
  }

  /**
   * Refuses with GitHub's 422 when one of {@code items} (none when null) already has {@code value}
   * as its {@code field}; the caller holds the lock.
   */
  private boolean refusedAsTaken(
      RoutingContext ctx, List<JsonObject> items, String field, String value) {
    if (items != null && items.stream().anyMatch(x -> x.getString(field).equals(value))) {
      sim.refuse(ctx, 422, "Validation Failed: " + field + " already_exists");
      return true;
    }
    return false;
  }

  /**
   * A new object with GitHub's identity fields: a fresh {@code id}, its {@code node_id} ({@code
   * kind} and the id) and its API {@code url} ({@code /repos/<repo><path><id>}).
   */
  private JsonObject created(String kind, String repo, String path) {
    long id = sim.nextId();
    return new JsonObject()
        .put("id", id)
        .put("node_id", kind + id)
        .put("url", sim.baseUrl() + "/repos/" + repo + path + id);
  }

  private void createCommitComment(RoutingContext ctx, String repo, JsonObject body) {
    String sha = ctx.pathParam("sha");
    JsonObject c = created("CC_", repo, "/comments/");
    long id = c.getLong("id");
    String now = now();
    c.put("html_url", "https://github.com/" + repo + "/commit/" + sha + "#commitcomment-" + id)
        .put("body", body.getString("body"))
        .put("path", body.getString("path"))
        .put("position", body.getInteger("position"))
        .put("line", body.getInteger("line"))
        .put("commit_id", sha)
        .put("user", sim.bot())
        .put("author_association", "NONE")
        .put("created_at", now)
        .put("updated_at", now);
    synchronized (this) {
      commitComments.computeIfAbsent(repo, k -> new ArrayList<>()).add(c);
    }
    sim.answer(ctx, 201, c.copy());
  }

  private void createRelease(RoutingContext ctx, String repo, JsonObject body) {
    String tag = body.getString("tag_name");
    synchronized (this) {
      if (refusedAsTaken(ctx, releases.get(repo), "tag_name", tag)) {
        return;
      }
    }
    JsonObject r = created("RE_", repo, "/releases/");
    long id = r.getLong("id");
    String url = r.getString("url");
    String now = now();
    boolean draft = Boolean.TRUE.equals(body.getBoolean("draft"));
    r.put("html_url", "https://github.com/" + repo + "/releases/tag/" + tag)
        .put("assets_url", url + "/assets")
        .put(
            "upload_url",
            sim.uploadsUrl() + "/repos/" + repo + "/releases/" + id + "/assets{?name,label}")
        .put("tarball_url", sim.baseUrl() + "/repos/" + repo + "/tarball/" + tag)
        .put("zipball_url", sim.baseUrl() + "/repos/" + repo + "/zipball/" + tag)
        .put("tag_name", tag)
        .put("target_commitish", body.getString("target_commitish", "main"))
        .put("name", body.getString("name", tag))
        .put("body", body.getString("body"))
        .put("draft", draft)
        .put("prerelease", Boolean.TRUE.equals(body.getBoolean("prerelease")))
        .put("author", sim.bot())
        .put("assets", new JsonArray())
        .put("created_at", now)
        .put("published_at", draft ? null : now);
    synchronized (this) {
      releases.computeIfAbsent(repo, k -> new ArrayList<>()).add(r);
    }
    sim.answer(ctx, 201, r.copy());
  }

  private void uploadAsset(RoutingContext ctx) {
    if (!sim.authorizeWrite(ctx, "contents")) {
      return;
    }
    String repo = sim.repoIn(ctx);
    String name = ctx.request().getParam("name");
    if (name == null || name.isBlank()) {
      sim.refuse(ctx, 422, "Validation Failed: name is missing");
      return;
    }
    long releaseId;
    try {
      releaseId = Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      sim.refuse(ctx, 404, "Not Found");
      return;
    }
    byte[] bytes = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    JsonObject a;
    synchronized (this) {
      JsonObject release =
          releases.getOrDefault(repo, List.of()).stream()
              .filter(r -> r.getLong("id") == releaseId)
              .findFirst()
              .orElse(null);
      if (release == null) {
        sim.refuse(ctx, 404, "Not Found");
        return;
      }
      if (refusedAsTaken(ctx, assets.get(releaseId), "name", name)) {
        return;
      }
      a = created("RA_", repo, "/releases/assets/");
      long id = a.getLong("id");
      String now = now();
      a.put(
              "browser_download_url",
              "https://github.com/"
                  + repo
                  + "/releases/download/"
                  + release.getString("tag_name")
                  + "/"
                  + name)
          .put("name", name)
          .put("label", ctx.request().getParam("label"))
          .put("state", "uploaded")
          .put(
              "content_type",
              ctx.request().getHeader("Content-Type") == null
                  ? "application/octet-stream"
                  : ctx.request().getHeader("Content-Type"))
          .put("size", bytes.length)
          .put("digest", "sha256:" + hex("SHA-256", bytes))
          .put("download_count", 0)
          .put("uploader", sim.bot())
          .put("created_at", now)
          .put("updated_at", now);
      assets.computeIfAbsent(releaseId, k -> new ArrayList<>()).add(a);
      assetBytes.put(id, bytes);
      release.getJsonArray("assets").add(a.copy());
    }
    sim.answer(ctx, 201, a.copy());
  }

  private void putContent(RoutingContext ctx, String repo, JsonObject body) {
    String marker = "/contents/";
    String raw = ctx.request().path();
    String path =
        URLDecoder.decode(
            raw.substring(raw.indexOf(marker) + marker.length()).replace("+", "%2B"),
            StandardCharsets.UTF_8);
    String branch = body.getString("branch", "main");
    byte[] bytes;
    try {
      bytes = Base64.getMimeDecoder().decode(body.getString("content"));
    } catch (IllegalArgumentException e) {
      sim.refuse(ctx, 422, "Invalid request.\n\ncontent is not valid Base64");
      return;
    }
    String given = body.getString("sha");
    int status;
    synchronized (sim) {
      String current = sim.fileSha(repo, branch, path);
      if (current != null && given == null) {
        sim.refuse(ctx, 422, "Invalid request.\n\n\"sha\" wasn't supplied.");
        return;
      }
      if (current != null && !current.equals(given)) {
        sim.refuse(ctx, 409, path + " does not match " + given);
        return;
      }
      status = current == null ? 201 : 200;
      sim.putFile(repo, branch, path, bytes);
    }
    String sha = sim.fileSha(repo, branch, path);
    String name = path.substring(path.lastIndexOf('/') + 1);
    String commit = hex("SHA-1", (repo + branch + path + sha + sim.nextId()).getBytes());
    String now = now();
    JsonObject content =
        new JsonObject()
            .put("type", "file")
            .put("name", name)
            .put("path", path)
            .put("sha", sha)
            .put("size", bytes.length)
            .put("url", sim.baseUrl() + "/repos/" + repo + "/contents/" + path + "?ref=" + branch)
            .put("html_url", "https://github.com/" + repo + "/blob/" + branch + "/" + path)
            .put("git_url", sim.baseUrl() + "/repos/" + repo + "/git/blobs/" + sha)
            .put(
                "download_url",
                "https://raw.githubusercontent.com/" + repo + "/" + branch + "/" + path);
    JsonObject person =
        new JsonObject()
            .put("name", "solstice-ci[bot]")
            .put("email", "bot@example")
            .put("date", now);
    JsonObject commitJson =
        new JsonObject()
            .put("sha", commit)
            .put("node_id", "C_" + commit)
            .put("url", sim.baseUrl() + "/repos/" + repo + "/git/commits/" + commit)
            .put("html_url", "https://github.com/" + repo + "/commit/" + commit)
            .put("author", person)
            .put("committer", person.copy())
            .put("message", body.getString("message"))
            .put("parents", new JsonArray());
    sim.answer(ctx, status, new JsonObject().put("content", content).put("commit", commitJson));
  }

  private String now() {
    return sim.clockNow().truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private static String hex(String algorithm, byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
