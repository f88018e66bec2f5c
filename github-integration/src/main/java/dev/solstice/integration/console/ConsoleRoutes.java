package dev.solstice.integration.console;

import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator console under {@code /console} (issue 16): deliveries and their detail with
 * redelivery, parked messages with inspect / replay / drop, missed-delivery recoveries,
 * installations with their write budget and rate limit, queue depths. Every route sits behind the
 * guard's admin check; every POST behind its CSRF check. Pages are server-rendered (see
 * docs/adr/0014-console-server-rendered.md).
 */
public final class ConsoleRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(ConsoleRoutes.class);

  private final ConsoleGuard guard;
  private final DeliveryPages deliveries;
  private final ParkedPages parked;
  private final StatusPages status;

  public ConsoleRoutes(ConsoleSources sources, ConsoleGuard guard) {
    this.guard = guard;
    this.deliveries = new DeliveryPages(sources, this);
    this.parked = new ParkedPages(sources, this);
    this.status = new StatusPages(sources, this);
  }

  public void mount(Router router) {
    String base = ConsoleHtml.BASE;
    guard.protect(router, base);
    guard.protect(router, base + "/*");
    router.route(base).handler(guard.adminOnly());
    router.route(base + "/*").handler(guard.adminOnly());
    router.get(base).handler(deliveries::list);
    router.get(base + "/deliveries/:id").handler(deliveries::detail);
    router.post(base + "/deliveries/:id/redeliver").handler(deliveries::redeliver);
    router.get(base + "/dlq").handler(parked::list);
    router.get(base + "/dlq/:flow/:id").handler(parked::inspect);
    router.post(base + "/dlq/:flow/replay").handler(parked::replay);
    router.post(base + "/dlq/:flow/drop").handler(parked::drop);
    router.get(base + "/recoveries").handler(status::recoveries);
    router.get(base + "/installations").handler(status::installations);
    router.get(base + "/queues").handler(status::queues);
    router.route(base + "/*").handler(ctx -> notFound(ctx));
  }

  String csrfField() {
    return guard.csrfField();
  }

  String csrfToken(RoutingContext ctx) {
    return guard.csrfToken(ctx);
  }

  /** Renders {@code body} as a page of the console. */
  void page(RoutingContext ctx, int status, String title, String current, String body) {
    respond(ctx, status, ConsoleHtml.page(title, current, guard.user(ctx), body));
  }

  void notFound(RoutingContext ctx) {
    page(ctx, 404, "Not found", null, "<p>There is nothing here.</p>");
  }

  /** Renders what {@code render} makes of the value, or a 503 page when reading it failed. */
  <T> void render(
      RoutingContext ctx, Future<T> value, Function<T, Page> render, String failedWhat) {
    value
        .map(render)
        .onSuccess(p -> page(ctx, p.status(), p.title(), p.current(), p.body()))
        .onFailure(err -> failed(ctx, failedWhat, err));
  }

  void failed(RoutingContext ctx, String what, Throwable err) {
    LOG.warn("console: {} failed: {}", what, err.toString());
    page(
        ctx,
        503,
        "Not available",
        null,
        ConsoleHtml.status(
            "Could not " + what + ": " + err.getMessage() + ". Nothing was changed; try again.",
            true));
  }

  /** A rendered page. */
  record Page(int status, String title, String current, String body) {
    static Page ok(String title, String current, String body) {
      return new Page(200, title, current, body);
    }
  }

  private static void respond(RoutingContext ctx, int status, String html) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader(
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self';"
                + " frame-ancestors 'none'; base-uri 'none'")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Referrer-Policy", "same-origin")
        .end(html);
  }
}
