package dev.solstice.simulator.github;

import io.vertx.core.Handler;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * GitHub's users and their OAuth web flow (issue 16), as an App's "Sign in with GitHub" sees it:
 *
 * <ul>
 *   <li>{@code GET /login/oauth/authorize?client_id=&redirect_uri=&state=} (web host): when a user
 *       is signed in to the simulated github.com ({@link #signIn}) and has authorized the App
 *       before, GitHub redirects at once to {@code redirect_uri?code=&state=}; otherwise a page
 *       with a form to choose the user and authorize ({@code POST /login/oauth/authorize}). An
 *       unknown client gets a 404 page, a redirect_uri outside the client's callback URL an error
 *       redirect ({@code error=redirect_uri_mismatch}).
 *   <li>{@code POST /login/oauth/access_token} (web host): {@code client_id}, {@code client_secret}
 *       (or HTTP Basic), {@code code}, {@code redirect_uri} as a form, JSON or query; the answer is
 *       JSON when {@code Accept} asks for it, else a form — errors too, with status 200 ({@code
 *       bad_verification_code}, {@code incorrect_client_credentials}), as GitHub does. A code works
 *       once, for ten minutes; a token ({@code ghu_}) for eight hours.
 *   <li>{@code GET /user} with a user token: the user ({@code users/get-authenticated}).
 *   <li>{@code GET /repos/{owner}/{repo}}: the repository ({@code repos/get}), with the user's
 *       {@code permissions} when asked with a user token; 404 when the caller cannot read it (a
 *       private repository and no grant, or no token).
 *   <li>{@code GET /orgs/{org}/teams/{team_slug}/memberships/{username}} with a user token: {@code
 *       teams/get-membership-for-user-in-org}, 404 when not a member.
 * </ul>
 *
 * Tests set users, clients, grants, public repositories and team members through this class.
 */
public final class UserAccounts {

  static final Duration CODE_LIFETIME = Duration.ofMinutes(10);
  static final Duration TOKEN_LIFETIME = Duration.ofHours(8);
  private static final List<String> LEVELS =
      List.of("read", "triage", "write", "maintain", "admin");

  /** An OAuth client; no callback URLs: any redirect_uri. */
  private record Client(String id, String secret, List<String> callbackUrls) {

    String callbackUrl() {
      return callbackUrls.isEmpty() ? null : callbackUrls.get(0);
    }

    boolean accepts(String redirectUri) {
      return redirectUri != null
          && (callbackUrls.isEmpty() || callbackUrls.stream().anyMatch(redirectUri::startsWith));
    }
  }

  private record Code(String clientId, String login, String redirectUri, Instant expiresAt) {}

  private record UserToken(String login, Instant expiresAt) {}

  private final GitHubSimulator sim;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Long> users = new TreeMap<>();
  private final Map<String, Client> clients = new HashMap<>();
  private final Map<String, Code> codes = new HashMap<>();
  private final Map<String, UserToken> tokens = new HashMap<>();
  private final Map<String, Map<String, String>> grants = new HashMap<>();
  private final Set<String> publicRepos = new HashSet<>();
  private final Map<String, Set<String>> teams = new HashMap<>();
  private String signedIn;

  UserAccounts(GitHubSimulator sim) {
    this.sim = sim;
  }

  // ---- test API ------------------------------------------------------------------------------

  /**
   * An OAuth client (the App's client id and secret); {@code callbackUrl} null accepts any
   * redirect_uri.
   */
  public synchronized UserAccounts client(
      String clientId, String clientSecret, String callbackUrl) {
    List<String> callbacks = callbackUrl == null ? List.of() : List.of(callbackUrl);
    return client(clientId, clientSecret, callbacks);
  }

  /** An OAuth client with the App's callback URLs (a redirect_uri must start with one). */
  public synchronized UserAccounts client(
      String clientId, String clientSecret, List<String> callbackUrls) {
    clients.put(clientId, new Client(clientId, clientSecret, List.copyOf(callbackUrls)));
    return this;
  }

  /** A GitHub user (ids are given in order). */
  public synchronized UserAccounts user(String login) {
    users.computeIfAbsent(login, l -> 5_000L + users.size() + 1);
    return this;
  }

  /**
   * The user's permission on {@code owner/name}: read, triage, write, maintain or admin; null takes
   * it away.
   */
  public synchronized UserAccounts grant(String login, String repo, String permission) {
    user(login);
    if (permission == null) {
      grants.getOrDefault(norm(repo), Map.of()).remove(login);
    } else {
      if (!LEVELS.contains(permission)) {
        throw new IllegalArgumentException("permission must be one of " + LEVELS);
      }
      grants.computeIfAbsent(norm(repo), r -> new HashMap<>()).put(login, permission);
    }
    return this;
  }

  /** Makes {@code owner/name} public (anyone can read it, signed in or not). */
  public synchronized UserAccounts publicRepo(String repo) {
    publicRepos.add(norm(repo));
    return this;
  }

  /** Adds {@code login} to the team {@code org/team_slug}. */
  public synchronized UserAccounts teamMember(String org, String teamSlug, String login) {
    user(login);
    teams.computeIfAbsent(norm(org + "/" + teamSlug), t -> new HashSet<>()).add(login);
    return this;
  }

  /**
   * The user signed in to the simulated github.com, who has authorized the App before: the
   * authorize step redirects back at once. Null signs out (the authorize page then asks).
   */
  public synchronized UserAccounts signIn(String login) {
    if (login != null) {
      user(login);
    }
    signedIn = login;
    return this;
  }

  /** Revokes every user token (as an App owner resetting them, or expiry). */
  public synchronized void revokeTokens() {
    tokens.clear();
  }

  /** A user token for {@code login}, minted directly (tests of the API without the web flow). */
  public synchronized String tokenFor(String login) {
    user(login);
    String token = "ghu_" + random(36);
    tokens.put(token, new UserToken(login, sim.clockNow().plus(TOKEN_LIFETIME)));
    return token;
  }

  /** The login a live user token belongs to, or null. */
  public synchronized String loginOf(String token) {
    UserToken t = token == null ? null : tokens.get(token);
    return t == null || !t.expiresAt().isAfter(sim.clockNow()) ? null : t.login();
  }

  /** The user's permission on the repository (read … admin), or null. */
  public synchronized String permission(String login, String repo) {
    return grants.getOrDefault(norm(repo), Map.of()).get(login);
  }

  public synchronized boolean isPublic(String repo) {
    return publicRepos.contains(norm(repo));
  }

  // ---- routes --------------------------------------------------------------------------------

  /**
   * @param web the server root (GitHub's web host)
   * @param api the REST API's router
   * @param bodies a body handler for the web routes, or null when {@code web} is {@code api}
   */
  void routes(Router web, Router api, Handler<RoutingContext> bodies) {
    if (bodies != null) {
      web.route("/login/oauth/*").handler(bodies);
    }
    web.get("/login/oauth/authorize").handler(this::authorize);
    web.post("/login/oauth/authorize").handler(this::approve);
    web.post("/login/oauth/access_token").handler(this::accessToken);
    api.get("/user").handler(this::getUser);
    api.get("/repos/:owner/:repo").handler(this::getRepo);
    api.get("/orgs/:org/teams/:team/memberships/:username").handler(this::teamMembership);
  }

  static String operationOf(String method, String path) {
    if (!method.equals("GET")) {
      return null;
    }
    if (path.equals("/user")) {
      return "users/get-authenticated";
    }
    if (path.matches("/repos/[^/]+/[^/]+")) {
      return "repos/get";
    }
    if (path.matches("/orgs/[^/]+/teams/[^/]+/memberships/[^/]+")) {
      return "teams/get-membership-for-user-in-org";
    }
    return null;
  }

  private void authorize(RoutingContext ctx) {
    String clientId = ctx.request().getParam("client_id");
    String redirect = ctx.request().getParam("redirect_uri");
    String state = ctx.request().getParam("state");
    Client client;
    String user;
    synchronized (this) {
      client = clients.get(clientId);
      user = signedIn;
    }
    if (client == null) {
      page(
          ctx, 404, "<h1>404</h1><p>The OAuth client " + escape(clientId) + " does not exist.</p>");
      return;
    }
    String target = redirect == null ? client.callbackUrl() : redirect;
    if (!client.accepts(target)) {
      String back = client.callbackUrl() == null ? target : client.callbackUrl();
      if (back == null) {
        page(ctx, 400, "<p>No redirect_uri and no callback URL for this client.</p>");
        return;
      }
      redirect(ctx, back, "error=redirect_uri_mismatch", state);
      return;
    }
    if (user != null) {
      redirect(ctx, target, "code=" + newCode(clientId, user, redirect), state);
      return;
    }
    StringBuilder options = new StringBuilder();
    synchronized (this) {
      users.keySet().forEach(l -> options.append("<option>").append(escape(l)).append("</option>"));
    }
    page(
        ctx,
        200,
        "<h1>Authorize</h1><form method=\"post\" action=\"/login/oauth/authorize\">"
            + hidden("client_id", clientId)
            + hidden("redirect_uri", target)
            + hidden("state", state)
            + "<label>Sign in as <select name=\"login\">"
            + options
            + "</select></label> <button type=\"submit\" id=\"authorize\">Authorize</button></form>");
  }

  private void approve(RoutingContext ctx) {
    String clientId = ctx.request().getFormAttribute("client_id");
    String login = ctx.request().getFormAttribute("login");
    String target = ctx.request().getFormAttribute("redirect_uri");
    boolean known;
    synchronized (this) {
      known = clients.containsKey(clientId) && users.containsKey(login);
      Client c = clients.get(clientId);
      known =
          known
              && (c.callbackUrl() == null
                  || (target != null && target.startsWith(c.callbackUrl())));
    }
    if (!known || target == null) {
      page(ctx, 422, "<p>Unknown client, user or redirect_uri.</p>");
      return;
    }
    redirect(
        ctx,
        target,
        "code=" + newCode(clientId, login, target),
        ctx.request().getFormAttribute("state"));
  }

  private void accessToken(RoutingContext ctx) {
    Map<String, String> p = new HashMap<>();
    ctx.queryParams().forEach(e -> p.put(e.getKey(), e.getValue()));
    ctx.request().formAttributes().forEach(e -> p.put(e.getKey(), e.getValue()));
    String type = ctx.request().getHeader("Content-Type");
    if (type != null && type.startsWith("application/json") && ctx.body().length() > 0) {
      try {
        ctx.body().asJsonObject().forEach(e -> p.put(e.getKey(), String.valueOf(e.getValue())));
      } catch (DecodeException e) {
        oauthAnswer(ctx, new JsonObject().put("error", "invalid_request"));
        return;
      }
    }
    basicCredentials(ctx, p);
    JsonObject answer;
    synchronized (this) {
      Client client = clients.get(p.get("client_id"));
      Code code = p.get("code") == null ? null : codes.get(p.get("code"));
      if (client == null || !client.secret().equals(p.get("client_secret"))) {
        answer =
            error(
                "incorrect_client_credentials",
                "The client_id and/or client_secret passed are incorrect.");
      } else if (code == null
          || !code.clientId().equals(client.id())
          || !code.expiresAt().isAfter(sim.clockNow())
          || (p.get("redirect_uri") != null
              && code.redirectUri() != null
              && !code.redirectUri().equals(p.get("redirect_uri")))) {
        answer = error("bad_verification_code", "The code passed is incorrect or expired.");
      } else {
        codes.remove(p.get("code"));
        String token = "ghu_" + random(36);
        tokens.put(token, new UserToken(code.login(), sim.clockNow().plus(TOKEN_LIFETIME)));
        answer =
            new JsonObject()
                .put("access_token", token)
                .put("expires_in", TOKEN_LIFETIME.toSeconds())
                .put("refresh_token", "ghr_" + random(76))
                .put("refresh_token_expires_in", 15_897_600)
                .put("scope", "")
                .put("token_type", "bearer");
      }
    }
    oauthAnswer(ctx, answer);
  }

  private void getUser(RoutingContext ctx) {
    String login = callerLogin(ctx);
    if (login == null) {
      sim.respondError(ctx, 401, "Requires authentication");
      return;
    }
    sim.respondJson(ctx, 200, userJson(login));
  }

  private void getRepo(RoutingContext ctx) {
    String repo = norm(ctx.pathParam("owner") + "/" + ctx.pathParam("repo"));
    String auth = ctx.request().getHeader("Authorization");
    String login = callerLogin(ctx);
    if (auth != null && login == null && sim.reposOfToken(bare(auth)) == null) {
      sim.respondError(ctx, 401, "Bad credentials");
      return;
    }
    String permission;
    boolean isPublic;
    synchronized (this) {
      permission = login == null ? null : permission(login, repo);
      isPublic = publicRepos.contains(repo);
    }
    boolean readable = isPublic || permission != null || installationCovers(auth, repo);
    if (!readable) {
      sim.respondError(ctx, 404, "Not Found");
      return;
    }
    JsonObject body = repositoryJson(repo, isPublic);
    if (login != null) {
      int level = permission == null ? -1 : LEVELS.indexOf(permission);
      body.put(
          "permissions",
          new JsonObject()
              .put("admin", level >= 4)
              .put("maintain", level >= 3)
              .put("push", level >= 2)
              .put("triage", level >= 1)
              .put("pull", level >= 0 || isPublic));
    }
    sim.respondJson(ctx, 200, body);
  }

  private void teamMembership(RoutingContext ctx) {
    if (callerLogin(ctx) == null) {
      sim.respondError(ctx, 401, "Requires authentication");
      return;
    }
    String org = ctx.pathParam("org");
    String team = ctx.pathParam("team");
    String user = ctx.pathParam("username");
    boolean member;
    synchronized (this) {
      member = teams.getOrDefault(norm(org + "/" + team), Set.of()).contains(user);
    }
    if (!member) {
      sim.respondError(ctx, 404, "Not Found");
      return;
    }
    sim.respondJson(
        ctx,
        200,
        new JsonObject()
            .put("url", sim.baseUrl() + "/organizations/1/team/1/memberships/" + user)
            .put("role", "member")
            .put("state", "active"));
  }

  // ---- helpers -------------------------------------------------------------------------------

  private synchronized String newCode(String clientId, String login, String redirectUri) {
    String code = random(20);
    codes.put(code, new Code(clientId, login, redirectUri, sim.clockNow().plus(CODE_LIFETIME)));
    return code;
  }

  private String callerLogin(RoutingContext ctx) {
    String auth = ctx.request().getHeader("Authorization");
    return auth == null ? null : loginOf(bare(auth));
  }

  private boolean installationCovers(String auth, String repo) {
    if (auth == null) {
      return false;
    }
    Set<String> repos = sim.reposOfToken(bare(auth));
    return repos != null && repos.contains(repo);
  }

  private static String bare(String auth) {
    return auth.replaceFirst("(?i)^(bearer|token)\\s+", "").trim();
  }

  private static void basicCredentials(RoutingContext ctx, Map<String, String> p) {
    String auth = ctx.request().getHeader("Authorization");
    if (auth == null || !auth.regionMatches(true, 0, "Basic ", 0, 6)) {
      return;
    }
    try {
      String pair =
          new String(Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
      int colon = pair.indexOf(':');
      if (colon > 0) {
        p.putIfAbsent(
            "client_id",
            java.net.URLDecoder.decode(pair.substring(0, colon), StandardCharsets.UTF_8));
        p.putIfAbsent(
            "client_secret",
            java.net.URLDecoder.decode(pair.substring(colon + 1), StandardCharsets.UTF_8));
      }
    } catch (IllegalArgumentException e) {
      // not base64: no credentials
    }
  }

  private static JsonObject error(String code, String description) {
    return new JsonObject()
        .put("error", code)
        .put("error_description", description)
        .put(
            "error_uri",
            "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors");
  }

  /** JSON when Accept asks for it, else a form, as GitHub answers the token endpoint. */
  private static void oauthAnswer(RoutingContext ctx, JsonObject answer) {
    String accept = ctx.request().getHeader("Accept");
    if (accept != null && accept.toLowerCase(Locale.ROOT).contains("application/json")) {
      ctx.response()
          .setStatusCode(200)
          .putHeader("content-type", "application/json; charset=utf-8")
          .end(answer.encode());
      return;
    }
    List<String> pairs = new ArrayList<>();
    answer.forEach(
        e ->
            pairs.add(
                e.getKey()
                    + "="
                    + URLEncoder.encode(String.valueOf(e.getValue()), StandardCharsets.UTF_8)));
    ctx.response()
        .setStatusCode(200)
        .putHeader("content-type", "application/x-www-form-urlencoded; charset=utf-8")
        .end(String.join("&", pairs));
  }

  private JsonObject userJson(String login) {
    long id;
    synchronized (this) {
      id = users.getOrDefault(login, 0L);
    }
    String html = sim.webUrl() + "/" + login;
    String api = sim.baseUrl() + "/users/" + login;
    return new JsonObject()
        .put("login", login)
        .put("id", id)
        .put("node_id", "U_" + id)
        .put("avatar_url", "https://avatars.githubusercontent.com/u/" + id)
        .put("gravatar_id", "")
        .put("url", api)
        .put("html_url", html)
        .put("followers_url", api + "/followers")
        .put("following_url", api + "/following{/other_user}")
        .put("gists_url", api + "/gists{/gist_id}")
        .put("starred_url", api + "/starred{/owner}{/repo}")
        .put("subscriptions_url", api + "/subscriptions")
        .put("organizations_url", api + "/orgs")
        .put("repos_url", api + "/repos")
        .put("events_url", api + "/events{/privacy}")
        .put("received_events_url", api + "/received_events")
        .put("type", "User")
        .put("site_admin", false)
        .put("name", login)
        .putNull("company")
        .putNull("blog")
        .putNull("location")
        .putNull("email")
        .putNull("hireable")
        .putNull("bio")
        .put("public_repos", 0)
        .put("public_gists", 0)
        .put("followers", 0)
        .put("following", 0)
        .put("created_at", "2020-01-01T00:00:00Z")
        .put("updated_at", sim.nowText());
  }

  /** The *_url fields of {@code repos/get}'s full-repository, below the repository's API URL. */
  private static final List<String> URL_FIELDS =
      List.of(
          "archive",
          "assignees",
          "blobs",
          "branches",
          "collaborators",
          "comments",
          "commits",
          "compare",
          "contents",
          "contributors",
          "deployments",
          "downloads",
          "events",
          "forks",
          "git_commits",
          "git_refs",
          "git_tags",
          "hooks",
          "issue_comment",
          "issue_events",
          "issues",
          "keys",
          "labels",
          "languages",
          "merges",
          "milestones",
          "notifications",
          "pulls",
          "releases",
          "stargazers",
          "statuses",
          "subscribers",
          "subscription",
          "tags",
          "teams",
          "trees");

  private JsonObject repositoryJson(String repo, boolean isPublic) {
    JsonObject r = sim.repoJsonOf(repo);
    String owner = repo.substring(0, repo.indexOf('/'));
    String html = sim.webUrl() + "/" + repo;
    String api = sim.baseUrl() + "/repos/" + repo;
    URL_FIELDS.forEach(f -> r.put(f + "_url", api + "/" + f.replace('_', '/')));
    String now = sim.nowText();
    return r.put("private", !isPublic)
        .put("visibility", isPublic ? "public" : "private")
        .put("node_id", "R_" + r.getValue("id"))
        .put("owner", new JsonObject().put("login", owner).put("type", "Organization"))
        .put("html_url", html)
        .put("url", api)
        .put("clone_url", html + ".git")
        .put("git_url", html.replaceFirst("^https?", "git") + ".git")
        .put("ssh_url", "git@" + java.net.URI.create(sim.webUrl()).getHost() + ":" + repo + ".git")
        .put("svn_url", html)
        .put("mirror_url", null)
        .put("homepage", null)
        .put("description", null)
        .put("language", null)
        .put("license", null)
        .put("default_branch", "main")
        .put("fork", false)
        .put("archived", false)
        .put("disabled", false)
        .put("has_discussions", false)
        .put("has_issues", true)
        .put("has_pages", false)
        .put("has_projects", false)
        .put("has_wiki", false)
        .put("forks", 0)
        .put("forks_count", 0)
        .put("network_count", 0)
        .put("open_issues", 0)
        .put("open_issues_count", 0)
        .put("size", 1)
        .put("stargazers_count", 0)
        .put("subscribers_count", 0)
        .put("watchers", 0)
        .put("watchers_count", 0)
        .put("created_at", "2020-01-01T00:00:00Z")
        .put("pushed_at", now)
        .put("updated_at", now);
  }

  private static void redirect(RoutingContext ctx, String target, String query, String state) {
    String location =
        target
            + (target.contains("?") ? "&" : "?")
            + query
            + (state == null ? "" : "&state=" + URLEncoder.encode(state, StandardCharsets.UTF_8));
    ctx.response().setStatusCode(302).putHeader("location", location).end();
  }

  private static void page(RoutingContext ctx, int status, String body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("content-type", "text/html; charset=utf-8")
        .end(
            "<!doctype html><html><head><title>GitHub</title></head><body>"
                + body
                + "</body></html>");
  }

  private static String hidden(String name, String value) {
    return value == null
        ? ""
        : "<input type=\"hidden\" name=\"" + name + "\" value=\"" + escape(value) + "\">";
  }

  private static String escape(String s) {
    return s == null
        ? ""
        : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  private String random(int chars) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder sb = new StringBuilder(chars);
    for (int i = 0; i < chars; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  private static String norm(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
