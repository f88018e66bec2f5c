package dev.solstice.integration.gateway;

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
import java.util.Set;

/**
 * Sends an allowed request on to GitHub with its {@link UpstreamCredential} (a job's installation
 * token for its one repository and exactly its permissions, or a pool credential for a registry
 * client), body streamed both ways (Vert.x {@link HttpClient}), and GitHub's answer back unchanged.
 * A body-less request whose token GitHub refuses (401: revoked before its expiry) is sent once more
 * with a fresh token; one whose credential was rate limited goes again with the next credential of
 * the pool, when there is one.
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
  private final RateLimitWatch limits;
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
      RateLimitWatch limits,
      GatewayAnswers answers,
      GatewayVerticle.Observer observer,
      ConditionalCache cache,
      Duration cacheTtl,
      Clock clock) {
    this.cache = cache;
    this.cacheTtl = cacheTtl;
    this.clock = clock;
    this.client = client;
    this.limits = limits;
    this.answers = answers;
    this.observer = observer;
  }

  /** Told every upstream answer; says whether its credential was rate limited (and set aside). */
  @FunctionalInterface
  interface RateLimitWatch {
    boolean observe(UpstreamCredential credential, HttpClientResponse answer);
  }

  /** Forwards {@code in} (paused) to {@code target} with {@code credential}. */
  void forward(HttpServerRequest in, String route, String target, UpstreamCredential credential) {
    String length = in.getHeader(HttpHeaders.CONTENT_LENGTH);
    boolean bodyless = length == null || "0".equals(length);
    send(in, route, target, credential, bodyless, null);
  }

  /**
   * Forwards {@code in}, whose body the gateway has read already ({@code body}), to {@code target};
   * a body kept in hand can be sent again after a 401.
   */
  void forward(
      HttpServerRequest in,
      String route,
      String target,
      UpstreamCredential credential,
      Buffer body) {
    send(in, route, target, credential, true, body);
  }

  private void send(
      HttpServerRequest in,
      String route,
      String target,
      UpstreamCredential credential,
      boolean mayRetry,
      Buffer body) {
    String key =
        in.method() == HttpMethod.GET
            ? ConditionalCache.key(
                credential.cacheScope(), target, in.getHeader(HttpHeaders.ACCEPT))
            : null;
    send(new Call(in, route, target, credential, mayRetry, body, key));
  }

  private void send(Call call) {
    HttpServerRequest in = call.in();
    String theirs = in.getHeader(HttpHeaders.IF_NONE_MATCH);
    if (call.key() == null || (theirs != null && cacheTtl.isZero())) {
      observer.cache(in, call.key() == null ? null : "miss");
      send(call, null);
      return;
    }
    cache
        .get(call.key())
        .onComplete(
            lookup -> {
              ConditionalCache.Entry cached = lookup.result();
              if (theirs == null) {
                if (cached == null) {
                  observer.cache(in, "miss");
                }
                send(call, cached);
              } else if (cached != null
                  && clock.instant().isBefore(cached.checkedAt().plus(cacheTtl))
                  && ConditionalCache.matches(theirs, cached.etag())) {
                notModified(in, call.route(), cached);
              } else {
                // A client's own conditional request that the gateway cannot answer: as it is.
                observer.cache(in, "miss");
                send(call, null);
              }
            });
  }

  /** 304 for the client's matching If-None-Match, with the validators GitHub sent. */
  private void notModified(HttpServerRequest in, String route, ConditionalCache.Entry cached) {
    observer.cache(in, "not_modified");
    observer.request(in, route, 304, "cache_not_modified");
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

  /** One request on its way upstream: what came in, where it goes, with which credential. */
  private record Call(
      HttpServerRequest in,
      String route,
      String target,
      UpstreamCredential credential,
      boolean mayRetry,
      Buffer body,
      String key) {

    Call with(UpstreamCredential other, boolean retry) {
      return new Call(in, route, target, other, retry, body, key == null ? null : rekey(other));
    }

    private String rekey(UpstreamCredential other) {
      // The cache key starts with the credential's scope; another credential, another scope.
      return other.cacheScope() + key.substring(credential.cacheScope().length());
    }
  }

  private void send(Call call, ConditionalCache.Entry cached) {
    HttpServerRequest in = call.in();
    String route = call.route();
    UpstreamCredential credential = call.credential();
    credential
        .token()
        .onFailure(e -> answers.upstreamFailed(in, route, e))
        .onSuccess(
            t ->
                exchange(in, call.target(), t, cached, call.body())
                    .onFailure(e -> answers.upstreamFailed(in, route, e))
                    .onSuccess(upstream -> answered(call, cached, t, upstream)));
  }

  private void answered(
      Call call, ConditionalCache.Entry cached, String token, HttpClientResponse upstream) {
    HttpServerRequest in = call.in();
    String route = call.route();
    boolean limited = limits.observe(call.credential(), upstream);
    if (limited && call.mayRetry()) {
      // Set aside by the pool; the same request goes again with the next credential, if any.
      upstream
          .body()
          .onFailure(e -> answers.upstreamFailed(in, route, e))
          .onSuccess(
              b ->
                  call.credential()
                      .next()
                      .onSuccess(next -> send(call.with(next, true)))
                      .onFailure(none -> relayBuffered(in, route, upstream, b)));
    } else if (upstream.statusCode() == 401 && call.mayRetry()) {
      upstream
          .body()
          .compose(b -> call.credential().refused(token))
          .onComplete(v -> send(call.with(call.credential(), false)));
    } else if (cached != null && upstream.statusCode() == 304) {
      observer.cache(in, "hit");
      cache.put(call.key(), cached.checked(clock.instant()));
      upstream.body().onComplete(v -> fromCache(in, route, cached));
    } else if (call.key() != null && cacheable(upstream)) {
      if (cached != null) {
        observer.cache(in, "miss");
      }
      upstream
          .body()
          .onFailure(e -> answers.upstreamFailed(in, route, e))
          .onSuccess(b -> keep(in, route, call.key(), upstream, b));
    } else {
      if (cached != null) {
        observer.cache(in, "miss");
      }
      relay(in, route, upstream);
    }
  }

  /** An upstream answer whose body was read already, as GitHub sent it. */
  private void relayBuffered(
      HttpServerRequest in, String route, HttpClientResponse upstream, Buffer body) {
    observer.request(in, route, upstream.statusCode(), "forwarded");
    in.response()
        .setStatusCode(upstream.statusCode())
        .headers()
        .addAll(endToEnd(upstream.headers()));
    in.resume();
    in.response().end(body);
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
    observer.request(in, route, 200, "forwarded");
    in.response().setStatusCode(200).headers().addAll(headers);
    in.response().putHeader(CACHE_HEADER, "miss").end(body);
  }

  private void fromCache(HttpServerRequest in, String route, ConditionalCache.Entry cached) {
    observer.request(in, route, 200, "cache_hit");
    in.response().setStatusCode(200).headers().addAll(cached.headers());
    in.response().putHeader(CACHE_HEADER, "hit").end(cached.body());
  }

  private Future<HttpClientResponse> exchange(
      HttpServerRequest in,
      String target,
      String token,
      ConditionalCache.Entry cached,
      Buffer body) {
    RequestOptions options =
        new RequestOptions().setMethod(in.method()).setAbsoluteURI(target).setTimeout(120_000);
    MultiMap headers = endToEnd(in.headers());
    headers.set(HttpHeaders.AUTHORIZATION, "token " + token);
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
    observer.request(in, route, upstream.statusCode(), "forwarded");
    upstream.pipeTo(resp);
  }
}
