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

/**
 * The public HTTP face of the service: the webhook endpoint and health. Metrics are on the
 * management listener ({@link ManagementVerticle}).
 */
public final class HttpVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);

  /**
   * What the verticle serves, and where.
   *
   * @param body reads and verifies webhook bodies within {@code limits}
   * @param refusals counts what the body handler and the connection guard refuse
   * @param sources WEBHOOK_SOURCE_ALLOWLIST's check; null when every source is accepted
   */
  public record Settings(
      String host,
      int port,
      String webhookPath,
      StreamingBodyHandler body,
      HttpLimits limits,
      HttpRefusals refusals,
      Handler<RoutingContext> webhook,
      SourceRateLimiter rateLimiter,
      SourceAllowlist sources,
      HealthChecks liveness,
      HealthChecks readiness) {}

  private final Settings settings;
  private HttpServer server;
  private java.util.function.Consumer<Router> extraRoutes = r -> {};
  private ConnectionGuard guard;

  public HttpVerticle(Settings settings) {
    this.settings = settings;
  }

  /** More GET pages on the same listener (setup, job pages); call before deploying. */
  public HttpVerticle withRoutes(java.util.function.Consumer<Router> routes) {
    this.extraRoutes = extraRoutes.andThen(routes);
    return this;
  }

  @Override
  public Future<?> start() {
    HttpLimits limits = settings.limits();
    StreamingBodyHandler body = settings.body();
    Router router = Router.router(vertx);
    extraRoutes.accept(router);
    var webhookRoute = router.post(settings.webhookPath());
    if (settings.sources() != null) {
      webhookRoute.handler(settings.sources());
    }
    webhookRoute
        .handler(settings.rateLimiter())
        .handler(new NoFormsHandler())
        .handler(body)
        .handler(settings.webhook())
        .failureHandler(this::failure);
    health(router, settings.liveness(), settings.readiness());
    if (limits.maxBufferedBodyBytes() < body.maxBodyBytes()) {
      LOG.warn(
          "MAX_BUFFERED_BODY_BYTES ({}) is below MAX_BODY_BYTES ({}): bodies between the two are always refused (503)",
          limits.maxBufferedBodyBytes(),
          body.maxBodyBytes());
    }
    guard = new ConnectionGuard(vertx, limits, settings.refusals());
    settings.refusals().gauges(body.budget(), guard::openConnections);
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
    SourceAllowlist sources = settings.sources();
    Future<Void> sourcesRead = sources == null ? Future.succeededFuture() : sources.start(vertx);
    return sourcesRead
        .compose(v -> listen(router))
        .onSuccess(
            s ->
                LOG.info(
                    "listening on {}:{}, webhooks at {}",
                    settings.host(),
                    s.actualPort(),
                    settings.webhookPath()));
  }

  private Future<HttpServer> listen(Router router) {
    return server
        .connectionHandler(guard::onConnection)
        .requestHandler(
            request -> {
              guard.onRequest(request);
              router.handle(request);
            })
        .listen(settings.port(), settings.host());
  }

  /**
   * {@code /health/live}, {@code /health/ready} and {@code /health} (readiness) on {@code router}.
   */
  static void health(Router router, HealthChecks liveness, HealthChecks readiness) {
    router.get("/health/live").handler(HealthCheckHandler.createWithHealthChecks(liveness));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(readiness));
    router.get("/health").handler(HealthCheckHandler.createWithHealthChecks(readiness));
  }

  /** The port actually bound (useful when configured as 0). */
  public int actualPort() {
    return server.actualPort();
  }

  private void failure(RoutingContext ctx) {
    int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
    String error =
        switch (status) {
          case 413 -> "body larger than " + settings.body().maxBodyBytes() + " bytes";
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
    if (settings.sources() != null) {
      settings.sources().stop();
    }
    return server == null ? Future.succeededFuture() : server.shutdown();
  }
}
