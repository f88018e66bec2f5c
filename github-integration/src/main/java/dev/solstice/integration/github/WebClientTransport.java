package dev.solstice.integration.github;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/** {@link GitHubTransport} over a Vert.x {@link WebClient}. */
public final class WebClientTransport implements GitHubTransport {
  /**
   * Connections to one host at most (Vert.x's default is 5). Every GitHub call of the intake's
   * {@code INTAKE_PREFETCH} deliveries in hand waits for one of these, so with the default a
   * replica made at most 5 calls at a time, whatever its prefetch (issue 18). Reads are bounded by
   * {@code GITHUB_MAX_CONCURRENT_READS} and writes to one at a time per installation; GitHub's
   * secondary rate limits allow up to 100 concurrent requests.
   */
  static final int CONNECTIONS = 64;

  private final WebClient client;

  public WebClientTransport(Vertx vertx) {
    this(vertx, new WebClientOptions());
  }

  public WebClientTransport(Vertx vertx, WebClientOptions options) {
    WebClientOptions o = new WebClientOptions(options);
    o.setUserAgent("solstice-ci");
    // GitHub closes idle keep-alive connections; do not hand out stale ones for long.
    o.setKeepAliveTimeout(30);
    if (o.getConnectTimeout() > 10_000) {
      o.setConnectTimeout(10_000);
    }
    this.client = WebClient.create(vertx, o, new PoolOptions().setHttp1MaxSize(CONNECTIONS));
  }

  @Override
  public Future<Response> send(Request request) {
    HttpRequest<io.vertx.core.buffer.Buffer> req =
        client.requestAbs(request.method(), request.url()).timeout(request.timeout().toMillis());
    req.putHeaders(request.headers());
    Future<io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer>> sent =
        request.body() == null ? req.send() : req.sendBuffer(request.body());
    return sent.map(
        r -> {
          MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(r.headers());
          io.vertx.core.buffer.Buffer body = r.body();
          return new Response(
              r.statusCode(), headers, body == null ? io.vertx.core.buffer.Buffer.buffer() : body);
        });
  }

  @Override
  public void close() {
    client.close();
  }
}
