package dev.solstice.integration.gateway;

import dev.solstice.integration.github.InstallationToken;
import dev.solstice.integration.github.RepoRef;
import dev.solstice.integration.github.TokenScope;
import dev.solstice.integration.jobtoken.JobGrant;
import dev.solstice.integration.jobtoken.JobTokenSettings;
import dev.solstice.integration.jobtoken.JobTokens;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
  static final String DOCS = "https://docs.github.com/rest";
  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-authenticate",
          "proxy-authorization",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade",
          "host",
          "authorization",
          "content-length");

  /** Installation tokens for one repository and permission set (cached by the provider). */
  @FunctionalInterface
  public interface InstallationTokens {
    Future<InstallationToken> token(long installationId, RepoRef repo, TokenScope scope);
  }

  /** What the gateway observed, for metrics and tests. */
  @FunctionalInterface
  public interface Observer {
    void request(String route, int status, String outcome);
  }

  private final JobTokenSettings settings;
  private final JobTokens jobTokens;
  private final InstallationTokens installationTokens;
  private final String apiBase;
  private final GatewayRoutes routes = GatewayRoutes.jobTokenRoutes();
  private final Observer observer;
  private HttpServer server;
  private HttpClientAgent client;

  public GatewayVerticle(
      JobTokenSettings settings,
      JobTokens jobTokens,
      InstallationTokens installationTokens,
      String apiBase,
      Observer observer) {
    this.settings = settings;
    this.jobTokens = jobTokens;
    this.installationTokens = installationTokens;
    this.apiBase = apiBase.replaceAll("/+$", "");
    this.observer = observer;
  }

  @Override
  public Future<?> start() {
    client =
        vertx.createHttpClient(
            new HttpClientOptions().setConnectTimeout(10_000).setIdleTimeout(120));
    server = vertx.createHttpServer();
    return server
        .requestHandler(this::handle)
        .listen(settings.port(), settings.host())
        .onSuccess(s -> LOG.info("gateway listening on {}:{}", settings.host(), s.actualPort()));
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
      refuse(in, "-", 401, "Requires authentication", "unauthenticated");
      return;
    }
    jobTokens
        .resolve(token.get())
        .onFailure(
            e -> {
              LOG.warn("gateway: job token store unavailable: {}", e.toString());
              refuse(in, "-", 503, "The gateway cannot check tokens right now", "store_down");
            })
        .onSuccess(
            grant -> {
              if (grant.isEmpty()) {
                refuse(in, "-", 401, "Bad credentials", "bad_token");
              } else if (in.method() == HttpMethod.POST && "/gateway/token".equals(path)) {
                exchange(in, grant.get());
              } else {
                route(in, path, grant.get());
              }
            });
  }

  private void route(HttpServerRequest in, String path, JobGrant grant) {
    if (GatewayRoutes.suspicious(path)) {
      refuse(in, "-", 404, "Not Found", "bad_path");
      return;
    }
    String[] seg = path.split("/");
    int at = path.startsWith("/uploads/") ? 2 : 1;
    if (seg.length > at + 2
        && "repos".equals(seg[at])
        && !(seg[at + 1] + "/" + seg[at + 2]).equalsIgnoreCase(grant.repository())) {
      // Another repository: as GitHub answers for one the token cannot see.
      refuse(in, "/repos/{owner}/{repo}/…", 404, "Not Found", "other_repository");
      return;
    }
    Optional<GatewayRoutes.Route> matched = routes.match(in.method().name(), path);
    if (matched.isEmpty()) {
      refuse(
          in,
          "-",
          403,
          "This route is not allowed for job tokens: " + in.method().name() + " " + path,
          "route_not_allowed");
      return;
    }
    GatewayRoutes.Route r = matched.get();
    if (r.permission() != null && !grant.allows(r.permission(), r.level())) {
      refuse(
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
    String base = r.upstream() == GatewayRoutes.Upstream.UPLOADS ? uploadsBase() : apiBase;
    String uri =
        r.upstream() == GatewayRoutes.Upstream.UPLOADS
            ? in.uri().substring("/uploads".length())
            : in.uri();
    installationToken(grant, grant.permissions())
        .onFailure(e -> upstreamFailed(in, r.template(), e))
        .onSuccess(t -> forward(in, r.template(), base + uri, t));
  }

  private boolean tooLarge(HttpServerRequest in, String route) {
    String length = in.getHeader(HttpHeaders.CONTENT_LENGTH);
    long n;
    try {
      n = length == null ? 0 : Long.parseLong(length);
    } catch (NumberFormatException e) {
      refuse(in, route, 400, "Problems parsing the Content-Length header", "bad_length");
      return true;
    }
    if (n > settings.maxBodyBytes()) {
      refuse(
          in,
          route,
          413,
          "Request body is " + n + " bytes; the gateway accepts at most " + settings.maxBodyBytes(),
          "too_large");
      return true;
    }
    if (length == null && in.headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
      // A chunked body's size is unknown until it arrived; the cap needs it up front.
      refuse(in, route, 411, "A request body needs a Content-Length", "no_length");
      return true;
    }
    return false;
  }

  private void forward(HttpServerRequest in, String route, String target, InstallationToken t) {
    RequestOptions options =
        new RequestOptions().setMethod(in.method()).setAbsoluteURI(target).setTimeout(120_000);
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    in.headers()
        .forEach(
            h -> {
              if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                headers.add(h.getKey(), h.getValue());
              }
            });
    headers.set(HttpHeaders.AUTHORIZATION, "token " + t.token());
    String length = in.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null) {
      headers.set(HttpHeaders.CONTENT_LENGTH, length);
    }
    options.setHeaders(headers);
    client
        .request(options)
        .compose(out -> length == null || "0".equals(length) ? out.send() : out.send(in))
        .onFailure(e -> upstreamFailed(in, route, e))
        .onSuccess(
            upstream -> {
              HttpServerResponse resp = in.response().setStatusCode(upstream.statusCode());
              upstream
                  .headers()
                  .forEach(
                      h -> {
                        String k = h.getKey().toLowerCase(Locale.ROOT);
                        if (!HOP_BY_HOP.contains(k) || k.equals("content-length")) {
                          resp.headers().add(h.getKey(), h.getValue());
                        }
                      });
              if (!resp.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
                resp.setChunked(true);
              }
              observer.request(route, upstream.statusCode(), "forwarded");
              upstream.pipeTo(resp);
            });
  }

  /**
   * {@code POST /gateway/token}: an installation token to clone with, contents at the job's level.
   */
  private void exchange(HttpServerRequest in, JobGrant grant) {
    String contents = grant.permissions().get("contents");
    if (contents == null) {
      refuse(
          in,
          "/gateway/token",
          403,
          "Resource not accessible by job token: /gateway/token needs the contents: read permission",
          "missing_permission");
      return;
    }
    in.resume();
    installationToken(grant, Map.of("contents", contents, "metadata", "read"))
        .onFailure(e -> upstreamFailed(in, "/gateway/token", e))
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

  private Future<InstallationToken> installationToken(JobGrant grant, Map<String, String> perms) {
    return installationTokens
        .token(grant.installationId(), RepoRef.parse(grant.repository()), TokenScope.of(perms))
        .compose(
            t ->
                t.source() == InstallationToken.Source.MINTED
                    ? Future.succeededFuture(t)
                    // The static GITHUB_TOKEN fallback is not scoped to the job: never hand it on.
                    : Future.failedFuture(
                        new IllegalStateException("no installation token could be minted")));
  }

  private void upstreamFailed(HttpServerRequest in, String route, Throwable e) {
    LOG.warn("gateway: {} {} failed upstream: {}", in.method(), route, e.getMessage());
    refuse(in, route, 502, "The gateway could not reach GitHub: " + e.getMessage(), "upstream");
  }

  private void refuse(HttpServerRequest in, String route, int status, String message, String why) {
    observer.request(route, status, why);
    LOG.debug("gateway: {} {} refused {} ({})", in.method(), route, status, why);
    HttpServerResponse resp = in.response();
    if (resp.headWritten()) {
      resp.reset();
      return;
    }
    resp.setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8");
    if (status == 401) {
      resp.putHeader("WWW-Authenticate", "Bearer realm=\"solstice-gateway\"");
    }
    if (status == 413 || status == 411) {
      // The body was not read; the connection cannot be reused.
      resp.putHeader(HttpHeaders.CONNECTION, "close");
    }
    in.resume();
    resp.end(new JsonObject().put("message", message).put("documentation_url", DOCS).encode());
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
