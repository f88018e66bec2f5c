package dev.solstice.integration.web;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * GitHub's REST API as the signed-in user sees it (their user token), and as anyone sees it (no
 * token): who the user is, their permission on a repository, whether a repository is public, team
 * membership, and the check-run Re-run request. A 401 becomes {@link LoginRequiredException};
 * tokens never appear in messages or logs.
 */
public final class GitHubUserApi implements AutoCloseable {

  private static final long TIMEOUT_MS = 10_000;

  private final WebClient client;
  private final String apiBase;

  public GitHubUserApi(Vertx vertx, String apiBase) {
    this.client =
        WebClient.create(
            vertx, new WebClientOptions().setUserAgent("solstice-ci").setFollowRedirects(false));
    this.apiBase = apiBase;
  }

  /** {@code GET /user}: the token's login. */
  public Future<String> login(String token) {
    return send(request(HttpMethod.GET, "/user", token))
        .map(
            r -> {
              expectOk(r, "/user");
              String login = r.bodyAsJsonObject().getString("login");
              if (login == null || login.isBlank()) {
                throw new IllegalStateException("GitHub answered /user without a login");
              }
              return login;
            });
  }

  /** {@code GET /repos/{owner}/{repo}} with the user's token: their permission; NONE on 404. */
  public Future<Permission> permission(String token, String repository) {
    return send(request(HttpMethod.GET, "/repos/" + path(repository), token))
        .map(
            r -> {
              if (r.statusCode() == 404 || r.statusCode() == 403) {
                return Permission.NONE;
              }
              expectOk(r, "/repos/" + repository);
              return Permission.of(r.bodyAsJsonObject().getJsonObject("permissions"));
            });
  }

  /** {@code GET /repos/{owner}/{repo}} without a token: whether anyone may read it. */
  public Future<Boolean> isPublic(String repository) {
    return send(request(HttpMethod.GET, "/repos/" + path(repository), null))
        .map(
            r -> {
              if (r.statusCode() == 404 || r.statusCode() == 403 || r.statusCode() == 401) {
                return false;
              }
              expectOk(r, "/repos/" + repository);
              JsonObject repo = r.bodyAsJsonObject();
              return !repo.getBoolean("private", true);
            });
  }

  /** {@code GET /orgs/{org}/teams/{team}/memberships/{login}}: an active member. */
  public Future<Boolean> teamMember(String token, String org, String team, String login) {
    String p = "/orgs/" + enc(org) + "/teams/" + enc(team) + "/memberships/" + enc(login);
    return send(request(HttpMethod.GET, p, token))
        .map(
            r -> {
              if (r.statusCode() == 404 || r.statusCode() == 403) {
                return false;
              }
              expectOk(r, p);
              return "active".equals(r.bodyAsJsonObject().getString("state"));
            });
  }

  /**
   * {@code POST /repos/{owner}/{repo}/check-runs/{id}/rerequest} with the user's token: what
   * GitHub's Re-run button does; GitHub then sends the {@code check_run} {@code rerequested}
   * webhook. Fails with the status GitHub gave (403: no write access, 422: not re-runnable).
   */
  public Future<Void> rerequestCheckRun(String token, String repository, long checkRunId) {
    String p = "/repos/" + path(repository) + "/check-runs/" + checkRunId + "/rerequest";
    return send(request(HttpMethod.POST, p, token))
        .map(
            r -> {
              if (r.statusCode() == 401) {
                throw new LoginRequiredException("GitHub refused the user's token");
              }
              if (r.statusCode() != 201 && r.statusCode() != 200) {
                throw new IllegalStateException(
                    "GitHub answered "
                        + r.statusCode()
                        + " to the re-run of check run "
                        + checkRunId);
              }
              return null;
            });
  }

  private HttpRequest<Buffer> request(HttpMethod method, String path, String token) {
    HttpRequest<Buffer> req =
        client
            .requestAbs(method, apiBase + path)
            .timeout(TIMEOUT_MS)
            .putHeader("Accept", "application/vnd.github+json")
            .putHeader("X-GitHub-Api-Version", "2022-11-28");
    if (token != null) {
      req.putHeader("Authorization", "Bearer " + token);
    }
    return req;
  }

  private static Future<HttpResponse<Buffer>> send(HttpRequest<Buffer> req) {
    return req.send();
  }

  private static void expectOk(HttpResponse<Buffer> r, String what) {
    if (r.statusCode() == 401) {
      throw new LoginRequiredException("GitHub refused the user's token");
    }
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GitHub answered " + r.statusCode() + " to GET " + what);
    }
  }

  /** {@code owner/name} with each part encoded; the slash kept. */
  private static String path(String repository) {
    int slash = repository.indexOf('/');
    if (slash <= 0 || slash != repository.lastIndexOf('/')) {
      throw new IllegalArgumentException("not owner/name: " + repository);
    }
    return enc(repository.substring(0, slash)) + "/" + enc(repository.substring(slash + 1));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public void close() {
    client.close();
  }
}
