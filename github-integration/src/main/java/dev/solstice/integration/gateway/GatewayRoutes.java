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
  private static final Set<String> ALL = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");

  private final List<Entry> entries = new ArrayList<>();

  private GatewayRoutes() {}

  /** The table. */
  public static GatewayRoutes jobTokenRoutes() {
    GatewayRoutes r = new GatewayRoutes();
    r.add(READ, "/rate_limit", null);
    r.add(READ, "/meta", null);
    // metadata
    r.add(READ, REPO, "metadata");
    for (String s : List.of("languages", "topics", "tags", "contributors", "collaborators")) {
      r.add(READ, REPO + "/" + s, "metadata");
    }
    // contents: files, commits and their comments, branches, git database, releases
    r.add(Set.of("GET", "HEAD", "PUT", "DELETE"), REPO + "/contents/{path+}", "contents");
    r.add(READ, REPO + "/readme", "contents");
    r.add(READ, REPO + "/commits", "contents");
    r.add(READ, REPO + "/commits/{ref}", "contents");
    r.add(Set.of("GET", "HEAD", "POST"), REPO + "/commits/{commit_sha}/comments", "contents");
    r.add(READ, REPO + "/comments", "contents");
    r.add(Set.of("GET", "HEAD", "PATCH", "DELETE"), REPO + "/comments/{comment_id}", "contents");
    r.add(READ, REPO + "/branches", "contents");
    r.add(READ, REPO + "/branches/{branch+}", "contents");
    r.add(READ, REPO + "/compare/{basehead+}", "contents");
    r.add(Set.of("GET", "HEAD", "POST"), REPO + "/git/{kind}", "contents");
    r.add(ALL, REPO + "/git/{kind}/{rest+}", "contents");
    r.add(READ, REPO + "/tarball/{ref+}", "contents");
    r.add(READ, REPO + "/zipball/{ref+}", "contents");
    r.add(Set.of("GET", "HEAD", "POST"), REPO + "/releases", "contents");
    r.add(READ, REPO + "/releases/latest", "contents");
    r.add(READ, REPO + "/releases/tags/{tag}", "contents");
    r.add(
        Set.of("GET", "HEAD", "PATCH", "DELETE"), REPO + "/releases/assets/{asset_id}", "contents");
    r.add(Set.of("GET", "HEAD", "PATCH", "DELETE"), REPO + "/releases/{release_id}", "contents");
    r.add(READ, REPO + "/releases/{release_id}/assets", "contents");
    // issues (and comments on pull requests, which are issue comments)
    r.add(Set.of("GET", "HEAD", "POST"), REPO + "/issues", "issues");
    r.add(Set.of("GET", "HEAD", "PATCH"), REPO + "/issues/{issue_number}", "issues");
    r.add(Set.of("GET", "HEAD", "POST"), REPO + "/issues/{issue_number}/comments", "issues");
    r.add(
        Set.of("GET", "HEAD", "PATCH", "DELETE"), REPO + "/issues/comments/{comment_id}", "issues");
    r.add(ALL, REPO + "/issues/{issue_number}/labels", "issues");
    r.add(Set.of("DELETE"), REPO + "/issues/{issue_number}/labels/{name}", "issues");
    r.add(Set.of("GET", "HEAD", "POST"), REPO + "/labels", "issues");
    r.add(READ, REPO + "/milestones", "issues");
    // pull requests
    r.add(Set.of("GET", "HEAD", "POST"), REPO + "/pulls", "pull_requests");
    r.add(Set.of("GET", "HEAD", "PATCH"), REPO + "/pulls/{pull_number}", "pull_requests");
    r.add(READ, REPO + "/pulls/{pull_number}/files", "pull_requests");
    r.add(READ, REPO + "/pulls/{pull_number}/commits", "pull_requests");
    r.add(Set.of("GET", "HEAD", "POST"), REPO + "/pulls/{pull_number}/comments", "pull_requests");
    r.add(Set.of("GET", "HEAD", "POST"), REPO + "/pulls/{pull_number}/reviews", "pull_requests");
    r.add(
        Set.of("GET", "HEAD", "PATCH", "DELETE"),
        REPO + "/pulls/comments/{comment_id}",
        "pull_requests");
    // checks
    r.add(Set.of("POST"), REPO + "/check-runs", "checks");
    r.add(Set.of("GET", "HEAD", "PATCH"), REPO + "/check-runs/{check_run_id}", "checks");
    r.add(READ, REPO + "/check-runs/{check_run_id}/annotations", "checks");
    r.add(READ, REPO + "/commits/{ref}/check-runs", "checks");
    r.add(READ, REPO + "/commits/{ref}/check-suites", "checks");
    r.add(Set.of("POST"), REPO + "/check-suites", "checks");
    r.add(READ, REPO + "/check-suites/{check_suite_id}", "checks");
    // commit statuses
    r.add(Set.of("POST"), REPO + "/statuses/{sha}", "statuses");
    r.add(READ, REPO + "/commits/{ref}/status", "statuses");
    r.add(READ, REPO + "/commits/{ref}/statuses", "statuses");
    return r;
  }

  private void add(Set<String> methods, String template, String permission) {
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
