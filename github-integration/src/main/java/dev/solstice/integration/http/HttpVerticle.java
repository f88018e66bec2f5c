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

  /**
   * What the verticle serves, and where.
   *
   * @param body reads and verifies webhook bodies within {@code limits}
   * @param refusals counts what the body handler and the connection guard refuse
   * @param metrics the {@code /metrics} handler; null for none
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
      HealthChecks liveness,
      HealthChecks readiness,
      Handler<RoutingContext> metrics) {}

  private final Settings settings;
  private HttpServer server;
  private ConnectionGuard guard;

  public HttpVerticle(Settings settings) {
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    HttpLimits limits = settings.limits();
    StreamingBodyHandler body = settings.body();
    Router router = Router.router(vertx);
    router
        .post(settings.webhookPath())
        .handler(settings.rateLimiter())
        .handler(new NoFormsHandler())
        .handler(body)
        .handler(settings.webhook())
        .failureHandler(this::failure);
    router
        .get("/health/live")
        .handler(HealthCheckHandler.createWithHealthChecks(settings.liveness()));
    router
        .get("/health/ready")
        .handler(HealthCheckHandler.createWithHealthChecks(settings.readiness()));
    router.get("/health").handler(HealthCheckHandler.createWithHealthChecks(settings.readiness()));
    if (settings.metrics() != null) {
      router.get("/metrics").handler(settings.metrics());
    }
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
    return server
        .connectionHandler(guard::onConnection)
        .requestHandler(
            request -> {
              guard.onRequest(request);
              router.handle(request);
            })
        .listen(settings.port(), settings.host())
        .onSuccess(
            s ->
                LOG.info(
                    "listening on {}:{}, webhooks at {}",
                    settings.host(),
                    s.actualPort(),
                    settings.webhookPath()));
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
    return server == null ? Future.succeededFuture() : server.shutdown();
  }
}
