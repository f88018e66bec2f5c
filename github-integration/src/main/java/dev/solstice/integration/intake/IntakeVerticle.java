package dev.solstice.integration.intake;

import dev.solstice.integration.core.WebhookDelivery;
import dev.solstice.integration.ops.LogContext;
import dev.solstice.platform.amqp.Delivery;
import dev.solstice.platform.amqp.SettlingConsumer;
import dev.solstice.platform.amqp.UnreadableMessageException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the intake queue. A delivery is acked only after its JobRequests were confirmed (or it
 * was found to need none). A passing failure sends it to a delay queue for a later attempt; a
 * permanent one, or the last attempt, parks it in the dead-letter queue with the reason.
 */
public final class IntakeVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(IntakeVerticle.class);

  private final SettlingConsumer.Settings settings;
  private final DeliveryProcessor processor;
  private final IntakeMetrics metrics;
  private SettlingConsumer consumer;

  /**
   * @param settings the intake queue's flow and retries ({@link IntakeQueue})
   */
  public IntakeVerticle(
      SettlingConsumer.Settings settings, DeliveryProcessor processor, IntakeMetrics metrics) {
    this.settings = settings;
    this.processor = processor;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    consumer = new SettlingConsumer(context, settings, this::handle, new Outcomes());
    return Future.succeededFuture();
  }

  /** True while the intake consumer is registered on an open channel. */
  public boolean isConsuming() {
    return consumer != null && consumer.isConsuming();
  }

  private Future<Void> handle(Delivery message) {
    WebhookDelivery delivery;
    try {
      delivery = IntakeMessages.from(message);
    } catch (RuntimeException e) {
      return Future.failedFuture(
          new UnreadableMessageException("unreadable intake message: " + e.getMessage(), e));
    }
    return processor
        .process(delivery)
        .onSuccess(
            outcome -> {
              LogContext.with(
                  delivery.deliveryId(),
                  delivery.event(),
                  null,
                  () ->
                      LOG.info("delivery processed: {} (attempt {})", outcome, delivery.attempt()));
              metrics.processed(delivery.event(), outcome.name().toLowerCase(Locale.ROOT));
            })
        .mapEmpty();
  }

  /** The logs and metrics of a failed delivery; the consumer reschedules it. */
  private final class Outcomes implements SettlingConsumer.Outcomes {
    @Override
    public void retrying(Delivery message, SettlingConsumer.Failure f) {
      String event = message.header(IntakeMessages.EVENT_HEADER);
      LogContext.with(
          deliveryId(message),
          event,
          null,
          () ->
              LOG.warn(
                  "delivery failed (attempt {} of {}), retrying in {}: {}",
                  f.attempt(),
                  f.maxAttempts(),
                  f.delay(),
                  f.reason()));
      metrics.failed(event, "retry");
    }

    @Override
    public void parking(Delivery message, SettlingConsumer.Failure f) {
      if (f.error() instanceof UnreadableMessageException) {
        LOG.error(
            "unreadable intake message {}; dead-lettering it: {}",
            message.properties().getMessageId(),
            f.error().getMessage());
        return;
      }
      String event = message.header(IntakeMessages.EVENT_HEADER);
      LogContext.with(
          deliveryId(message),
          event,
          null,
          () ->
              LOG.error(
                  "delivery failed (attempt {} of {}), parked in {}: {}",
                  f.attempt(),
                  f.maxAttempts(),
                  settings.flow().deadLetterQueue(),
                  f.reason()));
      metrics.failed(event, "parked");
    }

    @Override
    public void rescheduleFailed(
        Delivery message, SettlingConsumer.Failure f, Throwable error, Duration wait) {
      LOG.warn(
          "could not reschedule delivery {}: {}; trying again in {} ms",
          deliveryId(message),
          error.getMessage(),
          wait.toMillis());
    }

    private String deliveryId(Delivery message) {
      String id = message.header(dev.solstice.jobrequest.amqp.MessageProperties.DELIVERY_ID_HEADER);
      return id != null ? id : message.properties().getMessageId();
    }
  }

  @Override
  public Future<?> stop() {
    // Graceful: take nothing new, let deliveries in hand finish (their JobRequests confirmed, the
    // ledger written, the ack sent), bounded; whatever is still unacked then is redelivered.
    return consumer == null ? Future.succeededFuture() : consumer.stop();
  }
}
