package dev.solstice.integration.http;

import dev.solstice.integration.ops.Readiness;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management listener ({@code MANAGEMENT_ADDR}, loopback by default): {@code /metrics} and the
 * health checks, off the public webhook port (issue 17), so what the service knows about its
 * traffic, queues and GitHub limits is not served to whoever can reach the webhook URL.
 */
public final class ManagementVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ManagementVerticle.class);

  private final String host;
  private final int port;
  private final Readiness health;
  private final Handler<RoutingContext> metrics;
  private HttpServer server;

  /** {@code metrics} null when the registry cannot be scraped (then only health is served). */
  public ManagementVerticle(
      String host, int port, Readiness health, Handler<RoutingContext> metrics) {
    this.host = host;
    this.port = port;
    this.health = health;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    HttpVerticle.health(router, health.liveness(), health.readiness());
    if (metrics != null) {
      router.get("/metrics").handler(metrics);
    }
    server = vertx.createHttpServer();
    return server
        .requestHandler(router)
        .listen(port, host)
        .onSuccess(
            s ->
                LOG.info(
                    "management listening on {}:{} (/metrics, /health)", host, s.actualPort()));
  }

  /** The port actually bound (useful when configured as 0). */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
