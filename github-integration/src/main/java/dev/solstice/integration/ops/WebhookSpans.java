package dev.solstice.integration.ops;

import dev.solstice.platform.amqp.MessageTracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * The span of one webhook request, the root of the delivery's trace: everything the request causes
 * (the intake publish, then through the broker the intake, GitHub calls, jobs and check-run
 * updates) is below it. Made current on the request's own Vert.x context.
 */
public final class WebhookSpans {

  private static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
  private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
  private static final AttributeKey<Long> STATUS =
      AttributeKey.longKey("http.response.status_code");
  private static final AttributeKey<String> EVENT = AttributeKey.stringKey("github.event");
  private static final AttributeKey<String> DELIVERY = AttributeKey.stringKey("github.delivery");

  private WebhookSpans() {}

  /** {@code handler} inside a span per request; {@code handler} itself when tracing is off. */
  public static Handler<RoutingContext> around(
      MessageTracing tracing, String route, Handler<RoutingContext> handler) {
    if (!tracing.enabled()) {
      return handler;
    }
    return ctx -> {
      String method = ctx.request().method().name();
      Span span =
          tracing
              .tracer()
              .spanBuilder(method + " " + route)
              .setParent(Context.root())
              .setSpanKind(SpanKind.SERVER)
              .setAttribute(METHOD, method)
              .setAttribute(ROUTE, route)
              .setAttribute(EVENT, String.valueOf(ctx.request().getHeader("X-GitHub-Event")))
              .setAttribute(DELIVERY, String.valueOf(ctx.request().getHeader("X-GitHub-Delivery")))
              .startSpan();
      ctx.addEndHandler(
          ar -> {
            int status = ctx.response().getStatusCode();
            span.setAttribute(STATUS, (long) status);
            if (status >= 500) {
              span.setStatus(StatusCode.ERROR);
            }
            span.end();
          });
      io.vertx.core.Context request = io.vertx.core.Vertx.currentContext();
      if (request != null) {
        MessageTracing.attach(request, Context.root().with(span));
      }
      handler.handle(ctx);
    };
  }
}
