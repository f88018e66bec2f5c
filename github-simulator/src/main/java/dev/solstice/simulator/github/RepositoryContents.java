package dev.solstice.simulator.github;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The files of each repository at each commit, and {@code GET
 * /repos/{owner}/{repo}/contents/{path}} (repos/get-content) over them, as GitHub answers it: a
 * file as base64 JSON (or raw bytes under {@code application/vnd.github.raw}), a directory as its
 * listing, a symlink to a file as that file, a submodule with its git URL; with an ETag, so a
 * matching If-None-Match is a free 304.
 *
 * <p>The tree is guarded by the simulator's lock, so a check-then-write of {@link RepositoryWrites}
 * holding that lock stays atomic.
 */
final class RepositoryContents {

  private sealed interface Entry permits FileEntry, SymlinkEntry, SubmoduleEntry {}

  private record FileEntry(byte[] bytes) implements Entry {}

  private record SymlinkEntry(String target) implements Entry {}

  private record SubmoduleEntry(String url) implements Entry {}

  private static final String JSON = "application/json; charset=utf-8";

  private final GitHubSimulator sim;

  /** repository (lower case) → commit or branch → path → entry; guarded by {@code sim}. */
  private final Map<String, Map<String, Map<String, Entry>>> trees = new HashMap<>();

  RepositoryContents(GitHubSimulator sim) {
    this.sim = sim;
  }

  void register(Router router) {
    router.get("/repos/:owner/:repo/contents/*").handler(this::getContent);
  }

  void putFile(String repo, String ref, String path, byte[] bytes) {
    put(repo, ref, path, new FileEntry(bytes.clone()));
  }

  void putSymlink(String repo, String ref, String path, String target) {
    put(repo, ref, path, new SymlinkEntry(target));
  }

  void putSubmodule(String repo, String ref, String path, String gitUrl) {
    put(repo, ref, path, new SubmoduleEntry(gitUrl));
  }

  /** The sha GET /contents answers for a file, or null when there is none. */
  String fileSha(String repo, String ref, String path) {
    synchronized (sim) {
      Entry e = trees.getOrDefault(repo, Map.of()).getOrDefault(ref, Map.of()).get(path);
      return e instanceof FileEntry f
          ? meta("file", path, f.bytes().length).getString("sha")
          : null;
    }
  }

  private void put(String repo, String ref, String path, Entry e) {
    synchronized (sim) {
      trees
          .computeIfAbsent(repo, k -> new HashMap<>())
          .computeIfAbsent(ref, k -> new TreeMap<>())
          .put(path.startsWith("/") ? path.substring(1) : path, e);
    }
  }

  private void getContent(RoutingContext ctx) {
    if (!sim.authorizeAccess(ctx, "contents", "read")) {
      return;
    }
    String repo = sim.repoIn(ctx);
    String raw = sim.apiPath(ctx);
    String base = "/repos/" + ctx.pathParam("owner") + "/" + ctx.pathParam("repo") + "/contents/";
    String path = decodePath(raw.length() > base.length() ? raw.substring(base.length()) : "");
    String ref = ctx.request().getParam("ref", "main");
    boolean rawMedia =
        String.valueOf(ctx.request().getHeader("Accept")).contains("application/vnd.github.raw");
    Entry entry;
    JsonArray listing = new JsonArray();
    synchronized (sim) {
      Map<String, Entry> tree = trees.getOrDefault(repo, Map.of()).get(ref);
      if (tree == null) {
        sim.error(ctx, 404, "No commit found for the ref " + ref, null);
        return;
      }
      entry = tree.get(path);
      if (entry instanceof SymlinkEntry link
          && tree.get(resolve(path, link.target())) instanceof FileEntry target) {
        // GitHub answers a symlink to a regular file with that file's content.
        entry = target;
      }
      if (entry == null) {
        for (String child : children(tree, path)) {
          String p = path.isEmpty() ? child : path + "/" + child;
          Entry e = tree.get(p);
          // GitHub lists submodules as "file" (backwards compatibility) and subtrees as "dir"
          String type = e == null ? "dir" : e instanceof SymlinkEntry ? "symlink" : "file";
          listing.add(meta(type, p, 0));
        }
      }
    }
    if (entry == null && listing.isEmpty()) {
      sim.error(ctx, 404, "Not Found", null);
    } else if (entry == null) {
      sim.conditional(ctx, 200, listing.toBuffer(), JSON);
    } else if (entry instanceof FileEntry f) {
      if (rawMedia) {
        sim.conditional(
            ctx, 200, Buffer.buffer(f.bytes()), "application/vnd.github.raw; charset=utf-8");
        return;
      }
      boolean big = f.bytes().length > 1024 * 1024;
      JsonObject meta =
          meta("file", path, f.bytes().length)
              .put("encoding", big ? "none" : "base64")
              .put("content", big ? "" : Base64.getMimeEncoder().encodeToString(f.bytes()));
      sim.conditional(ctx, 200, meta.toBuffer(), JSON);
    } else if (entry instanceof SymlinkEntry s) {
      JsonObject meta = meta("symlink", path, s.target().length()).put("target", s.target());
      sim.conditional(ctx, 200, meta.toBuffer(), JSON);
    } else if (entry instanceof SubmoduleEntry s) {
      JsonObject meta = meta("submodule", path, 0).put("submodule_git_url", s.url());
      sim.conditional(ctx, 200, meta.toBuffer(), JSON);
    }
  }

  /** The names directly below {@code dir} ("" for the root), files and subdirectories. */
  private static List<String> children(Map<String, Entry> tree, String dir) {
    String below = dir.isEmpty() ? "" : dir + "/";
    return tree.keySet().stream()
        .filter(k -> k.startsWith(below))
        .map(k -> k.substring(below.length()).split("/")[0])
        .distinct()
        .toList();
  }

  private static JsonObject meta(String type, String path, int size) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    return new JsonObject()
        .put("type", type)
        .put("name", name)
        .put("path", path)
        .put("size", size)
        .put("sha", GitHubSimulator.sha1Hex(type + path + size));
  }

  /** A symlink target relative to the link's directory, normalised ("a/../b" -> "b"). */
  private static String resolve(String linkPath, String target) {
    String base = linkPath.contains("/") ? linkPath.substring(0, linkPath.lastIndexOf('/')) : "";
    Deque<String> parts = new ArrayDeque<>();
    for (String seg : ((base.isEmpty() ? "" : base + "/") + target).split("/")) {
      if (seg.isEmpty() || seg.equals(".")) {
        continue;
      }
      if (seg.equals("..")) {
        parts.pollLast();
      } else {
        parts.addLast(seg);
      }
    }
    return String.join("/", parts);
  }

  private static String decodePath(String p) {
    StringBuilder sb = new StringBuilder();
    for (String seg : p.split("/", -1)) {
      if (sb.length() > 0) {
        sb.append('/');
      }
      sb.append(URLDecoder.decode(seg.replace("+", "%2B"), StandardCharsets.UTF_8));
    }
    return sb.toString();
  }
}
