package dev.solstice.integration.gateway;

import dev.solstice.integration.github.InstallationToken;
import dev.solstice.integration.github.RepoRef;
import dev.solstice.integration.github.TokenScope;
import dev.solstice.integration.jobtoken.JobGrant;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Sends an allowed request on to GitHub with an installation token for the job's one repository and
 * exactly its permissions, body streamed both ways (Vert.x {@link HttpClient}), and GitHub's answer
 * back unchanged. A body-less request whose token GitHub refuses (401: revoked before its expiry)
 * is sent once more with a fresh token.
 */
final class GitHubForwarder {

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
          // answered by the gateway itself (GatewayVerticle.continueIfAsked)
          "expect",
          "authorization",
          "content-length");

  private final HttpClient client;
  private final GatewayVerticle.InstallationTokens tokens;
  private final GatewayAnswers answers;
  private final GatewayVerticle.Observer observer;
  private final ConditionalCache cache;
  private final Duration cacheTtl;
  private final Clock clock;

  /** What a 304 carries of the cached answer's headers (RFC 9110, 15.4.5). */
  private static final List<String> NOT_MODIFIED_HEADERS =
      List.of("ETag", "Last-Modified", "Cache-Control", "Vary", "Expires", "Date");

  /** Says whether a GET was answered from the conditional cache ({@code hit}) or not. */
  static final String CACHE_HEADER = "X-Solstice-Cache";

  GitHubForwarder(
      HttpClient client,
      GatewayVerticle.InstallationTokens tokens,
      GatewayAnswers answers,
      GatewayVerticle.Observer observer,
      ConditionalCache cache,
      Duration cacheTtl,
      Clock clock) {
    this.cache = cache;
    this.cacheTtl = cacheTtl;
    this.clock = clock;
    this.client = client;
    this.tokens = tokens;
    this.answers = answers;
    this.observer = observer;
  }

  /** Forwards {@code in} (paused) to {@code target} for the job of {@code grant}. */
  void forward(HttpServerRequest in, String route, String target, JobGrant grant) {
    String length = in.getHeader(HttpHeaders.CONTENT_LENGTH);
    boolean bodyless = length == null || "0".equals(length);
    send(in, route, target, grant, bodyless, null);
  }

  /**
   * Forwards {@code in}, whose body the gateway has read already ({@code body}), to {@code target};
   * a body kept in hand can be sent again after a 401.
   */
  void forward(HttpServerRequest in, String route, String target, JobGrant grant, Buffer body) {
    send(in, route, target, grant, true, body);
  }

  private void send(
      HttpServerRequest in,
      String route,
      String target,
      JobGrant grant,
      boolean mayRetry,
      Buffer body) {
    String key =
        in.method() == HttpMethod.GET
            ? ConditionalCache.key(
                grant.installationId(),
                grant.repository(),
                grant.permissions(),
                target,
                in.getHeader(HttpHeaders.ACCEPT))
            : null;
    String theirs = in.getHeader(HttpHeaders.IF_NONE_MATCH);
    if (key == null || (theirs != null && cacheTtl.isZero())) {
      send(new Call(in, route, target, grant, mayRetry, body), key, null);
      return;
    }
    cache
        .get(key)
        .onComplete(
            lookup -> {
              ConditionalCache.Entry cached = lookup.result();
              if (theirs == null) {
                send(new Call(in, route, target, grant, mayRetry, body), key, cached);
              } else if (cached != null
                  && clock.instant().isBefore(cached.checkedAt().plus(cacheTtl))
                  && ConditionalCache.matches(theirs, cached.etag())) {
                notModified(in, route, cached);
              } else {
                // A client's own conditional request that the gateway cannot answer: as it is.
                send(new Call(in, route, target, grant, mayRetry, body), key, null);
              }
            });
  }

  /** 304 for the client's matching If-None-Match, with the validators GitHub sent. */
  private void notModified(HttpServerRequest in, String route, ConditionalCache.Entry cached) {
    observer.request(route, 304, "cache_not_modified");
    HttpServerResponse resp = in.response().setStatusCode(304);
    for (String h : NOT_MODIFIED_HEADERS) {
      String v = cached.headers().get(h);
      if (v != null) {
        resp.putHeader(h, v);
      }
    }
    in.resume();
    resp.putHeader(CACHE_HEADER, "not-modified").end();
  }

  /** One request on its way upstream: what came in, where it goes, for which grant. */
  private record Call(
      HttpServerRequest in,
      String route,
      String target,
      JobGrant grant,
      boolean mayRetry,
      Buffer body) {}

  private void send(Call call, String key, ConditionalCache.Entry cached) {
    HttpServerRequest in = call.in();
    String route = call.route();
    JobGrant grant = call.grant();
    installationToken(grant, grant.permissions())
        .onFailure(e -> answers.upstreamFailed(in, route, e))
        .onSuccess(
            t ->
                exchange(in, call.target(), t, cached, call.body())
                    .onFailure(e -> answers.upstreamFailed(in, route, e))
                    .onSuccess(
                        upstream -> {
                          if (upstream.statusCode() == 401 && call.mayRetry()) {
                            upstream
                                .body()
                                .compose(
                                    b ->
                                        tokens.invalidate(
                                            grant.installationId(),
                                            RepoRef.parse(grant.repository()),
                                            TokenScope.of(grant.permissions()),
                                            t.token()))
                                .onComplete(
                                    v -> send(in, route, call.target(), grant, false, call.body()));
                          } else if (cached != null && upstream.statusCode() == 304) {
                            cache.put(key, cached.checked(clock.instant()));
                            upstream.body().onComplete(v -> fromCache(in, route, cached));
                          } else if (key != null && cacheable(upstream)) {
                            upstream
                                .body()
                                .onFailure(e -> answers.upstreamFailed(in, route, e))
                                .onSuccess(b -> keep(in, route, key, upstream, b));
                          } else {
                            relay(in, route, upstream);
                          }
                        }));
  }

  private static boolean cacheable(HttpClientResponse upstream) {
    String length = upstream.getHeader(HttpHeaders.CONTENT_LENGTH);
    return upstream.statusCode() == 200
        && upstream.getHeader(HttpHeaders.ETAG) != null
        && length != null
        && length.matches("[0-9]{1,9}")
        && Long.parseLong(length) <= ConditionalCache.MAX_BODY_BYTES;
  }

  private void keep(
      HttpServerRequest in, String route, String key, HttpClientResponse upstream, Buffer body) {
    MultiMap headers = endToEnd(upstream.headers());
    cache.put(
        key,
        new ConditionalCache.Entry(
            upstream.getHeader(HttpHeaders.ETAG), headers, body, clock.instant()));
    observer.request(route, 200, "forwarded");
    in.response().setStatusCode(200).headers().addAll(headers);
    in.response().putHeader(CACHE_HEADER, "miss").end(body);
  }

  private void fromCache(HttpServerRequest in, String route, ConditionalCache.Entry cached) {
    observer.request(route, 200, "cache_hit");
    in.response().setStatusCode(200).headers().addAll(cached.headers());
    in.response().putHeader(CACHE_HEADER, "hit").end(cached.body());
  }

  private Future<HttpClientResponse> exchange(
      HttpServerRequest in,
      String target,
      InstallationToken t,
      ConditionalCache.Entry cached,
      Buffer body) {
    RequestOptions options =
        new RequestOptions().setMethod(in.method()).setAbsoluteURI(target).setTimeout(120_000);
    MultiMap headers = endToEnd(in.headers());
    headers.set(HttpHeaders.AUTHORIZATION, "token " + t.token());
    if (cached != null) {
      headers.set(HttpHeaders.IF_NONE_MATCH, cached.etag());
    }
    if (body != null) {
      options.setHeaders(headers);
      return client.request(options).compose(out -> out.send(body));
    }
    String length = in.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null) {
      headers.set(HttpHeaders.CONTENT_LENGTH, length);
    }
    options.setHeaders(headers);
    return client
        .request(options)
        .compose(out -> length == null || "0".equals(length) ? out.send() : out.send(in));
  }

  /** {@code headers} without the hop-by-hop ones, the credential and the length. */
  private static MultiMap endToEnd(MultiMap headers) {
    MultiMap out = MultiMap.caseInsensitiveMultiMap();
    headers.forEach(
        h -> {
          if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(Locale.ROOT))) {
            out.add(h.getKey(), h.getValue());
          }
        });
    return out;
  }

  private void relay(HttpServerRequest in, String route, HttpClientResponse upstream) {
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
  }

  /** A minted token for the job's repository with {@code perms}; never the static fallback. */
  Future<InstallationToken> installationToken(JobGrant grant, Map<String, String> perms) {
    return tokens
        .token(grant.installationId(), RepoRef.parse(grant.repository()), TokenScope.of(perms))
        .compose(
            t ->
                t.source() == InstallationToken.Source.MINTED
                    ? Future.succeededFuture(t)
                    // The static GITHUB_TOKEN fallback is not scoped to the job: never hand it on.
                    : Future.failedFuture(
                        new IllegalStateException("no installation token could be minted")));
  }
}
