package dev.solstice.integration.gateway;

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
  private static final int UPSTREAM_CONNECTIONS = 64;

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

    /** The installation {@code id} ({@code GET /app/installations/{id}}), for its permissions. */
    default Future<AppInstallation> installation(long id) {
      return Future.failedFuture(new IllegalStateException("no installation lookup"));
    }
  }

  /** What the gateway observed, for metrics and tests ({@link GatewayTelemetry}). */
  @FunctionalInterface
  public interface Observer {
    /** {@code in} was answered {@code status}; {@code outcome} says how (or why refused). */
    void request(HttpServerRequest in, String route, int status, String outcome);

    /** Who sent {@code in}: {@code job} or a registry client's name; never a token. */
    default void client(HttpServerRequest in, String client) {}

    /**
     * A GET's way through the conditional cache: {@code hit} (GitHub's 304 answered from it),
     * {@code not_modified} (the gateway's own 304) or {@code miss}; null for no cache key.
     */
    default void cache(HttpServerRequest in, String result) {}

    /** A job token {@code used}, or refused ({@code refused} with why: unknown, expired, ended). */
    default void jobToken(String event, String reason) {}
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
  private final CredentialPool pool;
  private volatile ClientRegistryFile clients;
  private HttpServer server;
  private HttpClientAgent client;
  private GitHubForwarder forwarder;
  private ClientRequests clientRequests;

  /**
   * @param budget the registry clients' hourly budgets ({@code GATEWAY_CLIENTS_FILE})
   * @param pool the credentials registry clients' requests go with
   */
  public GatewayVerticle(
      JobTokenSettings settings,
      JobTokens jobTokens,
      GitHubUpstream github,
      Observer observer,
      ClientBudget budget,
      CredentialPool pool) {
    this.budget = budget;
    this.pool = pool;
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
            new HttpClientOptions().setConnectTimeout(10_000).setIdleTimeout(120),
            // Vert.x's default of 5 connections queued every request behind 5 GitHub round trips
            // (docs/benchmarks.md); GitHub's secondary limits allow up to 100 concurrent requests.
            new io.vertx.core.http.PoolOptions().setHttp1MaxSize(UPSTREAM_CONNECTIONS));
    forwarder =
        new GitHubForwarder(
            client,
            pool,
            answers,
            observer,
            github.cache(),
            settings.cacheTtl(),
            java.time.Clock.systemUTC());
    clientRequests =
        new ClientRequests(
            answers, budget, pool, forwarder, github.apiBase(), settings.maxBodyBytes());
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
                observer.client(in, client.get().name());
                clientRequests.handle(in, path, client.get());
                return;
              }
              jobTokenUse(in, token.get(), grant);
              if (grant.isEmpty()) {
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

  /** Counts a job token used, or refused with why (a token without the job prefix is not one). */
  private void jobTokenUse(HttpServerRequest in, String token, Optional<JobGrant> grant) {
    if (grant.isPresent()) {
      observer.client(in, "job");
      observer.jobToken("used", null);
    } else if (token.startsWith(JobTokens.PREFIX)) {
      jobTokens
          .refusal(token)
          .onSuccess(why -> observer.jobToken("refused", why.orElse("expired")));
    }
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
    if (answers.tooLarge(in, r.template(), settings.maxBodyBytes())) {
      return;
    }
    String base = r.upstream() == GatewayRoutes.Upstream.UPLOADS ? uploadsBase() : github.apiBase();
    String uri =
        r.upstream() == GatewayRoutes.Upstream.UPLOADS
            ? in.uri().substring("/uploads".length())
            : in.uri();
    GatewayAnswers.continueIfAsked(in);
    forwarder.forward(in, r.template(), base + uri, new GrantCredential(grant, github.tokens()));
  }

  /**
   * {@code POST /graphql}: the body is read (within the cap) and checked by {@link GraphQlGate}
   * before it goes to GitHub's GraphQL endpoint.
   */
  private void graphql(HttpServerRequest in, JobGrant grant) {
    if (answers.tooLarge(in, GRAPHQL, settings.maxBodyBytes())) {
      return;
    }
    Future<io.vertx.core.buffer.Buffer> body = in.body();
    GatewayAnswers.continueIfAsked(in);
    in.resume();
    body.onFailure(e -> answers.refuse(in, GRAPHQL, 400, "Problems reading the body", "bad_body"))
        .onSuccess(
            b ->
                GraphQlGate.check(b, grant.repository())
                    .ifPresentOrElse(
                        no -> answers.refuse(in, GRAPHQL, no.status(), no.message(), no.why()),
                        () ->
                            forwarder.forward(
                                in,
                                GRAPHQL,
                                graphqlUrl(github.apiBase()),
                                new GrantCredential(grant, github.tokens()),
                                b)));
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
    new GrantCredential(grant, github.tokens())
        .installationToken(Map.of("contents", contents, "metadata", "read"))
        .onFailure(e -> answers.upstreamFailed(in, "/gateway/token", e))
        .onSuccess(
            t -> {
              Instant expires =
                  t.expiresAt().isBefore(grant.expiresAt()) ? t.expiresAt() : grant.expiresAt();
              observer.request(in, "/gateway/token", 201, "exchanged");
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
