package dev.solstice.integration.webhook;

import dev.solstice.integration.core.InvalidWebhookException;
import dev.solstice.integration.core.WebhookDelivery;
import dev.solstice.integration.core.WebhookEvent;
import dev.solstice.platform.amqp.PublishException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * {@code POST /webhooks/github}: verify, parse, and hand the delivery to the durable intake queue.
 * Answers 202 only once the broker confirmed it holds the delivery; GitHub work happens later, so
 * this answer never waits on GitHub.
 *
 * <ul>
 *   <li>401: signature missing or wrong (nothing is enqueued)
 *   <li>400: not JSON, or a field we need is missing (the body says which)
 *   <li>415: not {@code application/json} (set the App's webhook content type to JSON)
 *   <li>200 for ping, 204 for events and actions that trigger nothing
 *   <li>503 when the broker did not confirm in time; GitHub's redelivery or a retry is then safe
 * </ul>
 */
public record WebhookHandler(
    SignatureVerifier verifier,
    boolean allowUnsigned,
    WebhookParser parser,
    Intake intake,
    Clock clock,
    WebhookMetrics metrics)
    implements Handler<RoutingContext> {

  /**
   * Where an accepted delivery goes: the durable intake queue. Completes once the broker holds it.
   */
  @FunctionalInterface
  public interface Intake {
    Future<Void> enqueue(WebhookDelivery delivery);

    /**
     * Told, after the answer, of a signed delivery answered without enqueueing it (ping, or an
     * event or action that triggers nothing): the record keeps it as ignored. Nothing by default.
     */
    default void ignored(WebhookDelivery delivery, String reason) {}
  }

  private static final Logger LOG = LoggerFactory.getLogger(WebhookHandler.class);

  /**
   * Context key of a body read and already verified (or accepted unsigned) while it streamed in; a
   * Buffer.
   */
  public static final String VERIFIED_BODY = "solstice.verifiedBody";

  @Override
  public void handle(RoutingContext ctx) {
    String event = ctx.request().getHeader("X-GitHub-Event");
    String deliveryId = ctx.request().getHeader("X-GitHub-Delivery");
    io.vertx.core.buffer.Buffer verified = ctx.get(VERIFIED_BODY);
    byte[] body =
        verified != null
            ? verified.getBytes()
            : ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    metrics.received(event);
    try (var a = MDC.putCloseable("delivery_id", deliveryId);
        var b = MDC.putCloseable("event", event)) {
      if (verified == null
          && !allowUnsigned
          && !verifier.verify(body, ctx.request().getHeader(SignatureVerifier.HEADER))) {
        metrics.signatureFailure();
        LOG.warn(
            "rejected webhook from {}: missing or wrong {}",
            ctx.request().remoteAddress(),
            SignatureVerifier.HEADER);
        respond(ctx, 401, "signature missing or invalid (" + SignatureVerifier.HEADER + ")");
        return;
      }
      String contentType = ctx.request().getHeader("Content-Type");
      if (contentType != null
          && !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
        respond(
            ctx,
            415,
            "content type "
                + contentType
                + " is not supported; configure the webhook to send application/json");
        return;
      }
      if (deliveryId == null || deliveryId.isBlank()) {
        respond(ctx, 400, "missing X-GitHub-Delivery header");
        return;
      }
      WebhookEvent parsed = parser.parse(event, body);
      if (parsed instanceof WebhookEvent.Ping ping) {
        ctx.response()
            .setStatusCode(200)
            .putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("ok", true).put("zen", ping.zen()).encode());
        intake.ignored(new WebhookDelivery(deliveryId, event, body, clock.instant(), 1), "ping");
      } else if (parsed instanceof WebhookEvent.Ignored ignored) {
        LOG.debug("ignored: {}", ignored.reason());
        metrics.ignored(event);
        ctx.response().setStatusCode(204).end();
        intake.ignored(
            new WebhookDelivery(deliveryId, event, body, clock.instant(), 1), ignored.reason());
      } else {
        enqueue(ctx, new WebhookDelivery(deliveryId, event, body, clock.instant(), 1));
      }
    } catch (InvalidWebhookException e) {
      metrics.invalid(event);
      respond(ctx, 400, e.getMessage());
    }
  }

  private void enqueue(RoutingContext ctx, WebhookDelivery delivery) {
    intake
        .enqueue(delivery)
        .onSuccess(
            v -> {
              metrics.accepted(delivery.event());
              ctx.response()
                  .setStatusCode(202)
                  .putHeader("Content-Type", "application/json")
                  .end(
                      new JsonObject()
                          .put("delivery_id", delivery.deliveryId())
                          .put("status", "queued")
                          .encode());
            })
        .onFailure(
            e -> {
              metrics.unavailable(delivery.event());
              LOG.warn("delivery {} not accepted: {}", delivery.deliveryId(), e.getMessage());
              ctx.response().putHeader("Retry-After", "5");
              respond(
                  ctx,
                  503,
                  e instanceof PublishException
                      ? "temporarily unable to accept: " + e.getMessage()
                      : "temporarily unable to accept");
            });
  }

  static void respond(RoutingContext ctx, int status, String error) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", error).encode());
  }
}
