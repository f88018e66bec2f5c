package dev.solstice.integration.gateway;

import dev.solstice.integration.core.GitHubApiException;
import dev.solstice.integration.github.AppInstallation;
import dev.solstice.integration.github.InstallationToken;
import dev.solstice.integration.github.RepoRef;
import dev.solstice.integration.github.TokenScope;
import dev.solstice.integration.jobtoken.JobGrant;
import dev.solstice.integration.jobtoken.JobTokenSettings;
import dev.solstice.integration.jobtoken.JobTokens;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 13: GitHub's REST API for jobs, on its own listener ({@code GATEWAY_ADDR}). A request
 * carries a job token ({@code Authorization: Bearer|token <job token>}); it reaches only the job's
 * repository with only the job's permissions ({@link GatewayRoutes}), and is forwarded, body
 * streamed, with an installation token minted for that one repository with exactly those
 * permissions. GitHub's answers pass through unchanged; the gateway's own refusals use GitHub's
 * error shape. {@code POST /gateway/token} exchanges a job token for an installation token to clone
 * with.
 */
public final class GatewayVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);
  private static final String GRAPHQL = "/graphql";

  /** Installation tokens for one repository and permission set (cached by the provider). */
  public interface InstallationTokens {
    Future<InstallationToken> token(long installationId, RepoRef repo, TokenScope scope);

    /** Forgets a token GitHub refused (401), so the next {@link #token} mints a new one. */
    Future<Void> invalidate(long installationId, RepoRef repo, TokenScope scope, String refused);

    /**
     * The App's installation on {@code repo} ({@code GET /repos/{owner}/{repo}/installation}), for
     * registry clients' requests.
     */
    default Future<AppInstallation> installationOf(RepoRef repo) {
      return Future.failedFuture(new IllegalStateException("no installation lookup"));
    }
  }

  /** What the gateway observed, for metrics and tests. */
  @FunctionalInterface
  public interface Observer {
    void request(String route, int status, String outcome);
  }

  /**
   * GitHub as the gateway forwards to it.
   *
   * @param apiBase GitHub's REST API ({@code GITHUB_API_URL})
   * @param tokens the installation tokens forwarded requests carry
   * @param cache GitHub's answers to conditional GETs, for its free 304s
   */
  public record GitHubUpstream(String apiBase, InstallationTokens tokens, ConditionalCache cache) {
    public GitHubUpstream {
      apiBase = apiBase.replaceAll("/+$", "");
    }
  }

  private final JobTokenSettings settings;
  private final JobTokens jobTokens;
  private final GitHubUpstream github;
  private final GatewayRoutes routes = GatewayRoutes.jobTokenRoutes();
  private final Observer observer;
  private final GatewayAnswers answers;
  private final ClientBudget budget;
  private volatile ClientRegistryFile clients;
  private HttpServer server;
  private HttpClientAgent client;
  private GitHubForwarder forwarder;

  /**
   * @param budget the registry clients' hourly budgets ({@code GATEWAY_CLIENTS_FILE})
   */
  public GatewayVerticle(
      JobTokenSettings settings,
      JobTokens jobTokens,
      GitHubUpstream github,
      Observer observer,
      ClientBudget budget) {
    this.budget = budget;
    this.settings = settings;
    this.jobTokens = jobTokens;
    this.github = github;
    this.observer = observer;
    this.answers = new GatewayAnswers(observer);
  }

  @Override
  public Future<?> start() {
    client =
        vertx.createHttpClient(
            new HttpClientOptions().setConnectTimeout(10_000).setIdleTimeout(120));
    forwarder =
        new GitHubForwarder(
            client,
            github.tokens(),
            answers,
            observer,
            github.cache(),
            settings.cacheTtl(),
            java.time.Clock.systemUTC());
    server = vertx.createHttpServer();
    return loadClients()
        .compose(v -> server.requestHandler(this::handle).listen(settings.port(), settings.host()))
        .onSuccess(s -> LOG.info("gateway listening on {}:{}", settings.host(), s.actualPort()));
  }

  /**
   * Reads {@code GATEWAY_CLIENTS_FILE} (an invalid file fails the start) and re-reads it every 2 s
   * on a worker thread; a changed, valid file replaces the registry, an invalid one is logged with
   * its line and the previous registry stays in force.
   */
  private Future<Void> loadClients() {
    java.nio.file.Path path = settings.clientsFile();
    if (path == null) {
      return Future.succeededFuture();
    }
    return vertx
        .executeBlocking(() -> ClientRegistryFile.load(path))
        .map(
            f -> {
              clients = f;
              LOG.info("gateway clients file {}: {} clients", path, f.registry().size());
              vertx.setPeriodic(2_000, id -> vertx.executeBlocking(f::check, false));
              return null;
            });
  }

  @Override
  public Future<?> stop() {
    return server.close().eventually(() -> client.close());
  }

  public int actualPort() {
    return server.actualPort();
  }

  /** The base URL jobs are given: {@code GATEWAY_URL}, else the bound address. */
  public String publicUrl() {
    if (settings.publicUrl() != null) {
      return settings.publicUrl().toString().replaceAll("/+$", "");
    }
    String host = settings.host();
    if (host.equals("0.0.0.0") || host.equals("::")) {
      host = "127.0.0.1";
    }
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + actualPort();
  }

  private void handle(HttpServerRequest in) {
    in.pause();
    String path = in.path();
    Optional<String> token = bearer(in.getHeader(HttpHeaders.AUTHORIZATION));
    if (token.isEmpty()) {
      answers.refuse(in, "-", 401, "Requires authentication", "unauthenticated");
      return;
    }
    jobTokens
        .resolve(token.get())
        .onFailure(
            e -> {
              LOG.warn("gateway: job token store unavailable: {}", e.toString());
              answers.refuse(
                  in, "-", 503, "The gateway cannot check tokens right now", "store_down");
            })
        .onSuccess(
            grant -> {
              ClientRegistryFile registry = clients;
              Optional<ClientRegistry.Client> client =
                  grant.isPresent() || registry == null
                      ? Optional.empty()
                      : registry.registry().find(token.get());
              if (client.isPresent()) {
                client(in, path, client.get());
              } else if (grant.isEmpty()) {
                answers.refuse(in, "-", 401, "Bad credentials", "bad_token");
              } else if (in.method() == HttpMethod.POST && "/gateway/token".equals(path)) {
                exchange(in, grant.get());
              } else if (in.method() == HttpMethod.POST && GRAPHQL.equals(path)) {
                graphql(in, grant.get());
              } else {
                route(in, path, grant.get());
              }
            });
  }

  /**
   * A registry client: its scopes (method + path regex), its repositories, then its hourly budget.
   */
  private void client(HttpServerRequest in, String path, ClientRegistry.Client c) {
    String method = in.method().name();
    if (GatewayRoutes.suspicious(path)) {
      answers.refuse(in, "-", 404, "Not Found", "bad_path");
      return;
    }
    if (c.scopeFor(method, path).isEmpty()) {
      answers.refuse(
          in,
          "-",
          403,
          "Client "
              + c.name()
              + " has no scope for "
              + method
              + " "
              + path
              + " (its scopes: "
              + c.scopes()
              + ")",
          "out_of_scope");
      return;
    }
    String[] seg = path.split("/");
    if (seg.length < 4 || !"repos".equals(seg[1])) {
      answers.refuse(
          in, "-", 403, "Registry clients reach /repos/{owner}/{repo}/… only", "no_repository");
      return;
    }
    if (!c.reaches(seg[2] + "/" + seg[3])) {
      answers.refuse(in, "/repos/{owner}/{repo}/…", 404, "Not Found", "other_repository");
      return;
    }
    budget
        .take(c.name(), c.budgetPerHour())
        .onFailure(
            e -> {
              LOG.warn("gateway: client budget store unavailable: {}", e.toString());
              answers.refuse(
                  in, "-", 503, "The gateway cannot check budgets right now", "store_down");
            })
        .onSuccess(
            take -> {
              if (!take.allowed()) {
                in.response().putHeader("Retry-After", String.valueOf(take.retryAfterSeconds()));
                answers.refuse(
                    in,
                    "-",
                    429,
                    "Client "
                        + c.name()
                        + " spent its budget of "
                        + c.budgetPerHour()
                        + " requests per hour",
                    "budget_spent");
                return;
              }
              forwardClient(in, RepoRef.parse(seg[2] + "/" + seg[3]), c);
            });
  }

  private record KnownInstallation(AppInstallation installation, long atMillis) {}

  private static final long INSTALLATION_TTL_MILLIS = 10 * 60_000L;
  private final Map<String, KnownInstallation> installations =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Forwards a registry client's request with an installation token of the App's installation on
   * the repository (looked up at GitHub, remembered 10 minutes), for that one repository with the
   * installation's permissions.
   */
  private void forwardClient(HttpServerRequest in, RepoRef repo, ClientRegistry.Client c) {
    String route = "/repos/{owner}/{repo}/…";
    if (tooLarge(in, route)) {
      return;
    }
    String key = repo.fullName().toLowerCase(Locale.ROOT);
    KnownInstallation known = installations.get(key);
    long now = System.currentTimeMillis();
    Future<AppInstallation> installation =
        known != null && now - known.atMillis() < INSTALLATION_TTL_MILLIS
            ? Future.succeededFuture(known.installation())
            : github
                .tokens()
                .installationOf(repo)
                .onSuccess(i -> installations.put(key, new KnownInstallation(i, now)));
    installation
        .onFailure(
            e -> {
              if (e instanceof GitHubApiException g && g.status() == 404) {
                answers.refuse(in, route, 404, "Not Found", "not_installed");
              } else {
                answers.upstreamFailed(in, route, e);
              }
            })
        .onSuccess(
            i -> {
              JobGrant grant =
                  new JobGrant(
                      java.util.UUID.nameUUIDFromBytes(
                          ("client:" + c.name()).getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                      repo.fullName(),
                      i.id(),
                      i.permissions(),
                      Instant.now().plusSeconds(3600));
              continueIfAsked(in);
              forwarder.forward(in, route, github.apiBase() + in.uri(), grant);
            });
  }

  private void route(HttpServerRequest in, String path, JobGrant grant) {
    if (GatewayRoutes.suspicious(path)) {
      answers.refuse(in, "-", 404, "Not Found", "bad_path");
      return;
    }
    String[] seg = path.split("/");
    int at = path.startsWith("/uploads/") ? 2 : 1;
    if (seg.length > at + 2
        && "repos".equals(seg[at])
        && !(seg[at + 1] + "/" + seg[at + 2]).equalsIgnoreCase(grant.repository())) {
      // Another repository: as GitHub answers for one the token cannot see.
      answers.refuse(in, "/repos/{owner}/{repo}/…", 404, "Not Found", "other_repository");
      return;
    }
    Optional<GatewayRoutes.Route> matched = routes.match(in.method().name(), path);
    if (matched.isEmpty()) {
      answers.refuse(
          in,
          "-",
          403,
          "This route is not allowed for job tokens: " + in.method().name() + " " + path,
          "route_not_allowed");
      return;
    }
    GatewayRoutes.Route r = matched.get();
    if (r.permission() != null && !grant.allows(r.permission(), r.level())) {
      answers.refuse(
          in,
          r.template(),
          403,
          "Resource not accessible by job token: "
              + in.method().name()
              + " "
              + r.template()
              + " needs the "
              + r.permission()
              + ": "
              + r.level()
              + " permission (grant it in the workflow's permissions block)",
          "missing_permission");
      return;
    }
    if (tooLarge(in, r.template())) {
      return;
    }
    String base = r.upstream() == GatewayRoutes.Upstream.UPLOADS ? uploadsBase() : github.apiBase();
    String uri =
        r.upstream() == GatewayRoutes.Upstream.UPLOADS
            ? in.uri().substring("/uploads".length())
            : in.uri();
    continueIfAsked(in);
    forwarder.forward(in, r.template(), base + uri, grant);
  }

  /**
   * A client that sent {@code Expect: 100-continue} (curl does for bodies over 1 KiB) is told to
   * send its body only once the request passed every check, so a refused body is never sent.
   */
  private static void continueIfAsked(HttpServerRequest in) {
    if ("100-continue".equalsIgnoreCase(in.getHeader(HttpHeaders.EXPECT))) {
      in.response().writeContinue();
    }
  }

  /**
   * {@code POST /graphql}: the body is read (within the cap) and checked by {@link GraphQlGate}
   * before it goes to GitHub's GraphQL endpoint.
   */
  private void graphql(HttpServerRequest in, JobGrant grant) {
    if (tooLarge(in, GRAPHQL)) {
      return;
    }
    Future<io.vertx.core.buffer.Buffer> body = in.body();
    continueIfAsked(in);
    in.resume();
    body.onFailure(e -> answers.refuse(in, GRAPHQL, 400, "Problems reading the body", "bad_body"))
        .onSuccess(
            b ->
                GraphQlGate.check(b, grant.repository())
                    .ifPresentOrElse(
                        no -> answers.refuse(in, GRAPHQL, no.status(), no.message(), no.why()),
                        () ->
                            forwarder.forward(
                                in, GRAPHQL, graphqlUrl(github.apiBase()), grant, b)));
  }

  /**
   * GitHub's GraphQL endpoint for a REST API base: {@code https://api.github.com/graphql}, {@code
   * https://<host>/api/graphql} for Enterprise Server ({@code https://<host>/api/v3}), else the
   * base plus {@code /graphql}.
   */
  static String graphqlUrl(String apiBase) {
    return apiBase.endsWith("/api/v3")
        ? apiBase.substring(0, apiBase.length() - "/v3".length()) + GRAPHQL
        : apiBase + GRAPHQL;
  }

  private boolean tooLarge(HttpServerRequest in, String route) {
    String length = in.getHeader(HttpHeaders.CONTENT_LENGTH);
    long n;
    try {
      n = length == null ? 0 : Long.parseLong(length);
    } catch (NumberFormatException e) {
      answers.refuse(in, route, 400, "Problems parsing the Content-Length header", "bad_length");
      return true;
    }
    if (n > settings.maxBodyBytes()) {
      answers.refuse(
          in,
          route,
          413,
          "Request body is " + n + " bytes; the gateway accepts at most " + settings.maxBodyBytes(),
          "too_large");
      return true;
    }
    if (length == null && in.headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
      // A chunked body's size is unknown until it arrived; the cap needs it up front.
      answers.refuse(in, route, 411, "A request body needs a Content-Length", "no_length");
      return true;
    }
    return false;
  }

  /**
   * {@code POST /gateway/token}: an installation token to clone with, contents at the job's level.
   */
  private void exchange(HttpServerRequest in, JobGrant grant) {
    String contents = grant.permissions().get("contents");
    if (contents == null) {
      answers.refuse(
          in,
          "/gateway/token",
          403,
          "Resource not accessible by job token: /gateway/token needs the contents: read permission",
          "missing_permission");
      return;
    }
    in.resume();
    forwarder
        .installationToken(grant, Map.of("contents", contents, "metadata", "read"))
        .onFailure(e -> answers.upstreamFailed(in, "/gateway/token", e))
        .onSuccess(
            t -> {
              Instant expires =
                  t.expiresAt().isBefore(grant.expiresAt()) ? t.expiresAt() : grant.expiresAt();
              observer.request("/gateway/token", 201, "exchanged");
              in.response()
                  .setStatusCode(201)
                  .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
                  .end(
                      new JsonObject()
                          .put("token", t.token())
                          .put("expires_at", expires.toString())
                          .put("repository", grant.repository())
                          .put(
                              "permissions",
                              new JsonObject().put("contents", contents).put("metadata", "read"))
                          .encode());
            });
  }

  private String uploadsBase() {
    return settings.uploadsBase().toString().replaceAll("/+$", "");
  }

  static Optional<String> bearer(String header) {
    if (header == null) {
      return Optional.empty();
    }
    String h = header.trim();
    int space = h.indexOf(' ');
    if (space < 0) {
      return Optional.empty();
    }
    String scheme = h.substring(0, space).toLowerCase(Locale.ROOT);
    if (!scheme.equals("bearer") && !scheme.equals("token")) {
      return Optional.empty();
    }
    return Optional.of(h.substring(space + 1).trim());
  }
}
