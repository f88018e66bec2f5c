package dev.solstice.integration.intake;

import dev.solstice.integration.core.WebhookDelivery;
import dev.solstice.integration.ops.LogContext;
import dev.solstice.integration.record.DeliveryEntry;
import dev.solstice.platform.amqp.Delivery;
import dev.solstice.platform.amqp.SettlingConsumer;
import dev.solstice.platform.amqp.SettlingVerticle;
import dev.solstice.platform.amqp.UnreadableMessageException;
import io.vertx.core.Future;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Consumes the intake queue. A delivery is acked only after its JobRequests were confirmed (or it
 * was found to need none). A passing failure sends it to a delay queue for a later attempt; a
 * permanent one, or the last attempt, parks it in the dead-letter queue with the reason.
 */
public final class IntakeVerticle extends SettlingVerticle {

  private static final Logger LOG = LoggerFactory.getLogger(IntakeVerticle.class);

  private final DeliveryProcessor processor;
  private final IntakeMetrics metrics;
  private final LaneWorker lanes;

  /**
   * @param settings the intake queue's flow and retries ({@link IntakeQueue})
   * @param processor also told of failed and parked deliveries, for the record
   */
  public IntakeVerticle(
      SettlingConsumer.Settings settings, DeliveryProcessor processor, IntakeMetrics metrics) {
    this(settings, processor, metrics, null);
  }

  /**
   * @param lanes serves the installation lanes while the intake consumes (issue 14); null for none
   */
  public IntakeVerticle(
      SettlingConsumer.Settings settings,
      DeliveryProcessor processor,
      IntakeMetrics metrics,
      LaneWorker lanes) {
    super(settings);
    this.processor = processor;
    this.metrics = metrics;
    this.lanes = lanes;
  }

  @Override
  public Future<?> start() {
    return super.start()
        .onSuccess(
            v -> {
              if (lanes != null) {
                lanes.start();
              }
            });
  }

  @Override
  public Future<?> stop() {
    if (lanes != null) {
      lanes.stop();
    }
    return super.stop();
  }

  @Override
  protected Future<Void> handle(Delivery message) {
    WebhookDelivery delivery = IntakeMessages.from(message); // unreadable: thrown, then parked
    boolean safetyCopy = message.header(FairShare.SAFETY_COPY_HEADER) != null;
    return processor
        .process(delivery, safetyCopy)
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

  // The logs and metrics of a failed message; the consumer reschedules it.

  @Override
  protected void retrying(Delivery message, SettlingConsumer.Failure f) {
    failed(message, f, Level.WARN, "retrying in " + f.delay(), "retry");
    recordFailure(message, f, DeliveryEntry.Outcome.FAILED);
  }

  private void recordFailure(
      Delivery message, SettlingConsumer.Failure f, DeliveryEntry.Outcome outcome) {
    WebhookDelivery d;
    try {
      d = IntakeMessages.from(message);
    } catch (RuntimeException e) {
      return; // unreadable: nothing to name it by
    }
    processor.failed(d, outcome, f.reason(), f.attempt());
  }

  @Override
  protected void parking(Delivery message, SettlingConsumer.Failure f) {
    if (f.error() instanceof UnreadableMessageException) {
      LOG.error(
          "unreadable intake message {}; dead-lettering it: {}",
          message.properties().getMessageId(),
          f.error().getMessage());
      return;
    }
    failed(message, f, Level.ERROR, "parked in " + settings().flow().deadLetterQueue(), "parked");
    recordFailure(message, f, DeliveryEntry.Outcome.PARKED);
  }

  /** Logs the failure with the delivery's id and event in the MDC, and counts it. */
  private void failed(
      Delivery message, SettlingConsumer.Failure f, Level level, String next, String outcome) {
    String event = message.header(IntakeMessages.EVENT_HEADER);
    LogContext.with(
        deliveryId(message),
        event,
        null,
        () ->
            LOG.atLevel(level)
                .log(
                    "delivery failed (attempt {} of {}), {}: {}",
                    f.attempt(),
                    f.maxAttempts(),
                    next,
                    f.reason()));
    metrics.failed(event, outcome);
  }

  private String deliveryId(Delivery message) {
    String id = message.header(dev.solstice.jobrequest.amqp.MessageProperties.DELIVERY_ID_HEADER);
    return id != null ? id : message.properties().getMessageId();
  }
}
