package dev.solstice.integration.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP face of the service: the webhook endpoint, health, and metrics. */
public final class HttpVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);

  private final String host;
  private final int port;
  private final String webhookPath;
  private final StreamingBodyHandler body;
  private final HttpLimits limits;
  private final HttpRefusals refusals;
  private final Handler<RoutingContext> webhook;
  private final SourceRateLimiter rateLimiter;
  private final HealthChecks liveness;
  private final HealthChecks readiness;
  private final Handler<RoutingContext> metrics;
  private HttpServer server;
  private java.util.function.Consumer<Router> extraRoutes = r -> {};
  private ConnectionGuard guard;

  /**
   * {@code body} reads and verifies webhook bodies within {@code limits}; {@code refusals} counts
   * what they refuse.
   */
  public HttpVerticle(
      String host,
      int port,
      String webhookPath,
      StreamingBodyHandler body,
      HttpLimits limits,
      HttpRefusals refusals,
      Handler<RoutingContext> webhook,
      SourceRateLimiter rateLimiter,
      HealthChecks liveness,
      HealthChecks readiness,
      Handler<RoutingContext> metrics) {
    this.host = host;
    this.port = port;
    this.webhookPath = webhookPath;
    this.body = body;
    this.limits = limits;
    this.refusals = refusals;
    this.webhook = webhook;
    this.rateLimiter = rateLimiter;
    this.liveness = liveness;
    this.readiness = readiness;
    this.metrics = metrics;
  }

  /** More GET pages on the same listener (the setup pages); call before deploying. */
  public HttpVerticle withRoutes(java.util.function.Consumer<Router> routes) {
    this.extraRoutes = routes;
    return this;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    extraRoutes.accept(router);
    router
        .post(webhookPath)
        .handler(rateLimiter)
        .handler(new NoFormsHandler())
        .handler(body)
        .handler(webhook)
        .failureHandler(this::failure);
    router.get("/health/live").handler(HealthCheckHandler.createWithHealthChecks(liveness));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(readiness));
    router.get("/health").handler(HealthCheckHandler.createWithHealthChecks(readiness));
    if (metrics != null) {
      router.get("/metrics").handler(metrics);
    }
    if (limits.maxBufferedBodyBytes() < body.maxBodyBytes()) {
      LOG.warn(
          "MAX_BUFFERED_BODY_BYTES ({}) is below MAX_BODY_BYTES ({}): bodies between the two are always refused (503)",
          limits.maxBufferedBodyBytes(),
          body.maxBodyBytes());
    }
    guard = new ConnectionGuard(vertx, limits, refusals);
    refusals.gauges(body.budget(), guard::openConnections);
    guard.start();
    // The guard's deadlines close slow and idle connections (with a 408 where one is due); the idle
    // timeout is only a backstop behind them, longer than any, so it never cuts a 408 short.
    // No h2c: one HTTP/2 connection would carry many requests past the per-connection deadlines.
    long backstop =
        Math.max(
                limits.headerTimeout().toMillis(),
                Math.max(limits.bodyTimeout().toMillis(), limits.keepAliveTimeout().toMillis()))
            + 30_000;
    server =
        vertx.createHttpServer(
            new HttpServerOptions()
                .setIdleTimeout((int) Math.min(backstop, Integer.MAX_VALUE))
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setHttp2ClearTextEnabled(false));
    return server
        .connectionHandler(guard::onConnection)
        .requestHandler(
            request -> {
              guard.onRequest(request);
              router.handle(request);
            })
        .listen(port, host)
        .onSuccess(
            s -> LOG.info("listening on {}:{}, webhooks at {}", host, s.actualPort(), webhookPath));
  }

  /** The port actually bound (useful when configured as 0). */
  public int actualPort() {
    return server.actualPort();
  }

  private void failure(RoutingContext ctx) {
    int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
    String error =
        switch (status) {
          case 413 -> "body larger than " + body.maxBodyBytes() + " bytes";
          case 400 -> "malformed request";
          default -> "internal error";
        };
    if (status >= 500) {
      LOG.error("webhook handling failed", ctx.failure());
    }
    if (!ctx.response().ended()) {
      ctx.response()
          .setStatusCode(status)
          .putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("error", error).encode());
    }
  }

  @Override
  public Future<?> stop() {
    if (guard != null) {
      guard.stop();
    }
    return server == null ? Future.succeededFuture() : server.shutdown();
  }
}
