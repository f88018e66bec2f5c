package dev.solstice.integration.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The REST routes a job token may use, and the GitHub permission each needs (GitHub's own
 * fine-grained permission table for these endpoints). A GET or HEAD needs {@code read}, any other
 * method {@code write}. A route not in the table is refused: the gateway forwards only what it
 * knows the permission of.
 */
public final class GatewayRoutes {

  /** Where a matched request goes. */
  public enum Upstream {
    API,
    UPLOADS
  }

  /**
   * A matched route.
   *
   * @param template the route as GitHub documents it, e.g. {@code
   *     /repos/{owner}/{repo}/contents/{path}} (for metrics and messages)
   * @param repository {@code owner/name} the path names; null for {@code /rate_limit}, {@code
   *     /meta}
   * @param permission the GitHub permission needed; null when any job token may call it
   * @param level {@code read} or {@code write}
   */
  public record Route(
      String template, String repository, String permission, String level, Upstream upstream) {}

  private record Entry(Set<String> methods, String template, Pattern pattern, String permission) {}

  private static final String REPO = "/repos/{owner}/{repo}";
  private static final Pattern SEGMENT = Pattern.compile("\\{([a-z_]+)(\\+?)}");
  private static final Set<String> READ = Set.of("GET", "HEAD");
  private static final Set<String> READ_CREATE = Set.of("GET", "HEAD", "POST");
  private static final Set<String> READ_EDIT = Set.of("GET", "HEAD", "PATCH");
  private static final Set<String> READ_EDIT_DELETE = Set.of("GET", "HEAD", "PATCH", "DELETE");
  private static final Set<String> CREATE = Set.of("POST");
  private static final Set<String> ALL = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");

  private final List<Entry> entries = new ArrayList<>();

  private GatewayRoutes() {}

  /** The table. */
  public static GatewayRoutes jobTokenRoutes() {
    GatewayRoutes r = new GatewayRoutes();
    r.add(null, READ, "/rate_limit", "/meta");
    r.add("metadata", READ, REPO);
    r.repo("metadata", READ, "/languages", "/topics", "/tags", "/contributors", "/collaborators");
    // contents: files, commits and their comments, branches, git database, releases
    r.repo("contents", Set.of("GET", "HEAD", "PUT", "DELETE"), "/contents/{path+}");
    r.repo(
        "contents",
        READ,
        "/readme",
        "/commits",
        "/commits/{ref}",
        "/comments",
        "/branches",
        "/branches/{branch+}",
        "/compare/{basehead+}",
        "/tarball/{ref+}",
        "/zipball/{ref+}",
        "/releases/latest",
        "/releases/tags/{tag}",
        "/releases/{release_id}/assets");
    r.repo("contents", READ_CREATE, "/commits/{commit_sha}/comments", "/git/{kind}", "/releases");
    r.repo("contents", ALL, "/git/{kind}/{rest+}");
    // after /releases/latest: that one is read only
    r.repo(
        "contents",
        READ_EDIT_DELETE,
        "/comments/{comment_id}",
        "/releases/assets/{asset_id}",
        "/releases/{release_id}");
    // issues (and comments on pull requests, which are issue comments)
    r.repo("issues", READ_CREATE, "/issues", "/issues/{issue_number}/comments", "/labels");
    r.repo("issues", READ_EDIT, "/issues/{issue_number}");
    r.repo("issues", READ_EDIT_DELETE, "/issues/comments/{comment_id}");
    r.repo("issues", ALL, "/issues/{issue_number}/labels");
    r.repo("issues", Set.of("DELETE"), "/issues/{issue_number}/labels/{name}");
    r.repo("issues", READ, "/milestones");
    // pull requests
    r.repo(
        "pull_requests",
        READ_CREATE,
        "/pulls",
        "/pulls/{pull_number}/comments",
        "/pulls/{pull_number}/reviews");
    r.repo("pull_requests", READ_EDIT, "/pulls/{pull_number}");
    r.repo("pull_requests", READ, "/pulls/{pull_number}/files", "/pulls/{pull_number}/commits");
    r.repo("pull_requests", READ_EDIT_DELETE, "/pulls/comments/{comment_id}");
    // checks
    r.repo("checks", CREATE, "/check-runs", "/check-suites");
    r.repo("checks", READ_EDIT, "/check-runs/{check_run_id}");
    r.repo(
        "checks",
        READ,
        "/check-runs/{check_run_id}/annotations",
        "/commits/{ref}/check-runs",
        "/commits/{ref}/check-suites",
        "/check-suites/{check_suite_id}");
    // commit statuses
    r.repo("statuses", CREATE, "/statuses/{sha}");
    r.repo("statuses", READ, "/commits/{ref}/status", "/commits/{ref}/statuses");
    return r;
  }

  /** Routes below {@code /repos/{owner}/{repo}}. */
  private void repo(String permission, Set<String> methods, String... paths) {
    for (String path : paths) {
      add(permission, methods, REPO + path);
    }
  }

  /**
   * Routes that need {@code permission} (null: none) with {@code methods}; the first route that
   * matches a request is its route, so a literal segment goes before a parameter in its place.
   */
  private void add(String permission, Set<String> methods, String... templates) {
    for (String template : templates) {
      Matcher m = SEGMENT.matcher(template);
      StringBuilder regex = new StringBuilder();
      int last = 0;
      while (m.find()) {
        regex.append(Pattern.quote(template.substring(last, m.start())));
        regex.append(m.group(2).isEmpty() ? "([^/]+)" : "(.+)");
        last = m.end();
      }
      regex.append(Pattern.quote(template.substring(last)));
      entries.add(
          new Entry(
              methods, template.replace("+}", "}"), Pattern.compile(regex.toString()), permission));
    }
  }

  /**
   * The route of {@code method path} ({@code path} without the query, as sent), or empty when a job
   * token may not call it. {@code /uploads/…} is a route of the uploads host.
   */
  public Optional<Route> match(String method, String path) {
    Upstream upstream = Upstream.API;
    String p = path;
    String prefix = "";
    if (p.startsWith("/uploads/")) {
      upstream = Upstream.UPLOADS;
      p = p.substring("/uploads".length());
      prefix = "/uploads";
      // Only release assets are uploaded.
      if (!"POST".equals(method) || !p.matches("/repos/[^/]+/[^/]+/releases/[^/]+/assets")) {
        return Optional.empty();
      }
      String[] s = p.split("/");
      return Optional.of(
          new Route(
              "/uploads/repos/{owner}/{repo}/releases/{release_id}/assets",
              s[2] + "/" + s[3],
              "contents",
              "write",
              upstream));
    }
    String m = method.toUpperCase(Locale.ROOT);
    for (Entry e : entries) {
      Matcher matcher = e.pattern().matcher(p);
      if (e.methods().contains(m) && matcher.matches()) {
        String repository =
            e.template().startsWith(REPO) ? matcher.group(1) + "/" + matcher.group(2) : null;
        return Optional.of(
            new Route(
                prefix + e.template(),
                repository,
                e.permission(),
                READ.contains(m) ? "read" : "write",
                upstream));
      }
    }
    return Optional.empty();
  }

  /**
   * A path that must not be forwarded: dot segments, encoded slashes or backslashes, empty
   * segments.
   */
  public static boolean suspicious(String path) {
    String lower = path.toLowerCase(Locale.ROOT);
    return !path.startsWith("/")
        || path.contains("//")
        || path.contains("\\")
        || lower.contains("%2f")
        || lower.contains("%5c")
        || lower.contains("%2e")
        || path.matches(".*(^|/)\\.{1,2}(/|$).*");
  }
}
