package dev.solstice.integration.intake;

import dev.solstice.platform.amqp.AmqpConnector;
import dev.solstice.platform.amqp.Delivery;
import dev.solstice.platform.amqp.QueueConsumer;
import dev.solstice.platform.amqp.Topology;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import dev.solstice.integration.ops.LogContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the intake queue. A delivery is acked only after its JobRequests were confirmed (or it
 * was found to need none). A passing failure sends it to a delay queue for a later attempt; a
 * permanent one, or the last attempt, parks it in the dead-letter queue with the reason.
 */
public final class IntakeVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(IntakeVerticle.class);

  private final AmqpConnector connector;
  private final IntakeQueue intake;
  private final DeliveryProcessor processor;
  private final int prefetch;
  private final int maxAttempts;
  private final IntakeMetrics metrics;
  private QueueConsumer consumer;

  public IntakeVerticle(AmqpConnector connector, IntakeQueue intake, DeliveryProcessor processor,
      int prefetch, int maxAttempts, IntakeMetrics metrics) {
    this.connector = connector;
    this.intake = intake;
    this.processor = processor;
    this.prefetch = prefetch;
    this.maxAttempts = maxAttempts;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    consumer = new QueueConsumer(context, connector, intake.topology(), prefetch, channel -> {
      for (Duration delay : intake.retryDelays()) {
        Topology.declareDelay(channel, intake.topology(), delay);
      }
    }, this::handle);
    return Future.succeededFuture();
  }

  /** True while the intake consumer is registered on an open channel. */
  public boolean isConsuming() {
    return consumer != null && consumer.isConsuming();
  }

  private void handle(Delivery message) {
    WebhookDelivery delivery;
    try {
      delivery = WebhookDelivery.from(message);
    } catch (RuntimeException e) {
      LOG.error("unreadable intake message {}; dead-lettering it: {}", message.properties().getMessageId(), e.getMessage());
      message.reject();
      return;
    }
    processor.process(delivery)
        .onSuccess(outcome -> {
          LogContext.with(delivery.deliveryId(), delivery.event(), null, () -> LOG.info("delivery processed: {} (attempt {})", outcome, delivery.attempt()));
          metrics.processed(delivery.event(), outcome.name().toLowerCase(java.util.Locale.ROOT));
          message.ack();
        })
        .onFailure(error -> failed(message, delivery, error));
  }

  private void failed(Delivery message, WebhookDelivery delivery, Throwable error) {
    String reason = Failures.describe(error);
    boolean retry = Failures.retryable(error) && delivery.attempt() < maxAttempts;
    Future<Void> rescheduled = retry ? intake.retryLater(delivery, reason) : intake.park(delivery, reason);
    LogContext.with(delivery.deliveryId(), delivery.event(), null, () -> {
      if (retry) {
        LOG.warn("delivery failed (attempt {} of {}), retrying in {}: {}", delivery.attempt(), maxAttempts,
            intake.delayBefore(delivery.attempt() + 1), reason);
      } else {
        LOG.error("delivery failed (attempt {} of {}), parked in {}: {}", delivery.attempt(), maxAttempts,
            intake.topology().deadLetterQueue(), reason);
      }
    });
    metrics.failed(delivery.event(), retry ? "retry" : "parked");
    settle(message, delivery, retry, reason, rescheduled, intake.delayBefore(delivery.attempt() + 1).toMillis());
  }

  /**
   * Acks once the retry (or the parked copy) is confirmed. When the broker would not take it
   * either, the message stays in hand and only the rescheduling is tried again after the same delay
   * (not the processing, which would publish the JobRequests again): if the channel dies meanwhile
   * the broker redelivers the message (and the ack is dropped); if it lives (a black-holed network
   * that came back), leaving the message unacked would hold a prefetch slot forever and, a few of
   * those later, starve the intake.
   */
  private void settle(Delivery message, WebhookDelivery delivery, boolean retry, String reason,
      Future<Void> rescheduled, long delay) {
    rescheduled
        .onSuccess(v -> message.ack())
        .onFailure(e -> {
          LOG.warn("could not reschedule delivery {}: {}; trying again in {} ms", delivery.deliveryId(),
              e.getMessage(), delay);
          long longest = Math.min(60_000, intake.retryDelays().get(intake.retryDelays().size() - 1).toMillis());
          vertx.setTimer(delay, id -> settle(message, delivery, retry, reason,
              retry ? intake.retryLater(delivery, reason) : intake.park(delivery, reason),
              Math.min(Math.max(delay, longest), delay * 2)));
        });
  }

  @Override
  public Future<?> stop() {
    // Graceful: take nothing new, let deliveries in hand finish (their JobRequests confirmed, the
    // ledger written, the ack sent), bounded; whatever is still unacked then is redelivered.
    return consumer == null ? Future.succeededFuture() : consumer.pause()
        .compose(v -> settled(System.currentTimeMillis() + 10_000))
        .eventually(() -> {
          consumer.close();
          return Future.succeededFuture();
        });
  }

  private Future<Void> settled(long deadline) {
    if (consumer.unacked() <= 0 || System.currentTimeMillis() > deadline) {
      if (consumer.unacked() > 0) {
        LOG.warn("stopping with {} intake deliveries unfinished; the broker redelivers them", consumer.unacked());
      }
      return Future.succeededFuture();
    }
    return vertx.timer(50).compose(v -> settled(deadline));
  }
}
