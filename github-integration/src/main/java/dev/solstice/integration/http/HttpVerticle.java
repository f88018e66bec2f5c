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
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP face of the service: the webhook endpoint, health, and metrics. */
public final class HttpVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);

  private final String host;
  private final int port;
  private final String webhookPath;
  private final long maxBodyBytes;
  private final Handler<RoutingContext> webhook;
  private final SourceRateLimiter rateLimiter;
  private final HealthChecks liveness;
  private final HealthChecks readiness;
  private final Handler<RoutingContext> metrics;
  private HttpServer server;

  public HttpVerticle(
      String host,
      int port,
      String webhookPath,
      long maxBodyBytes,
      Handler<RoutingContext> webhook,
      SourceRateLimiter rateLimiter,
      HealthChecks liveness,
      HealthChecks readiness,
      Handler<RoutingContext> metrics) {
    this.host = host;
    this.port = port;
    this.webhookPath = webhookPath;
    this.maxBodyBytes = maxBodyBytes;
    this.webhook = webhook;
    this.rateLimiter = rateLimiter;
    this.liveness = liveness;
    this.readiness = readiness;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router
        .post(webhookPath)
        .handler(rateLimiter)
        .handler(new NoFormsHandler())
        .handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes))
        .handler(webhook)
        .failureHandler(this::failure);
    router.get("/health/live").handler(HealthCheckHandler.createWithHealthChecks(liveness));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(readiness));
    router.get("/health").handler(HealthCheckHandler.createWithHealthChecks(readiness));
    if (metrics != null) {
      router.get("/metrics").handler(metrics);
    }
    server = vertx.createHttpServer(new HttpServerOptions().setIdleTimeout(60));
    return server
        .requestHandler(router)
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
          case 413 -> "body larger than " + maxBodyBytes + " bytes";
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
    return server == null ? Future.succeededFuture() : server.shutdown();
  }
}
