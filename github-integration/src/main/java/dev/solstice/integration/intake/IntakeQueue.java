package dev.solstice.integration.intake;

import dev.solstice.platform.amqp.ConfirmingPublisher;
import dev.solstice.platform.amqp.RetryRoute;
import dev.solstice.jobrequest.amqp.QueueTopology;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;

/**
 * The durable intake flow: accepted deliveries wait here for processing, come back here after a
 * delay when processing failed for a passing reason, and are parked in its dead-letter queue, with
 * the reason and attempt count in headers, when processing gave up.
 */
public final class IntakeQueue {

  private final ConfirmingPublisher publisher;
  private final QueueTopology intake;
  private final RetryRoute retries;

  public IntakeQueue(ConfirmingPublisher publisher, QueueTopology intake, List<Duration> retryDelays) {
    this.publisher = publisher;
    this.intake = intake;
    this.retries = new RetryRoute(publisher, intake, retryDelays);
  }

  /** Completes once the broker holds the delivery on disk. */
  public Future<Void> enqueue(WebhookDelivery delivery) {
    return publisher.publish(intake.exchange(), intake.routingKey(), delivery.properties(null), delivery.body());
  }

  public Future<Void> retryLater(WebhookDelivery failed, String reason) {
    return retries.retryLater(failed.properties(null), failed.body(), failed.attempt(), reason);
  }

  public Future<Void> park(WebhookDelivery failed, String reason) {
    return retries.park(failed.properties(null), failed.body(), failed.attempt(), reason);
  }

  public Duration delayBefore(int attempt) {
    return retries.delayBefore(attempt);
  }

  public List<Duration> retryDelays() {
    return retries.delays();
  }

  public QueueTopology topology() {
    return intake;
  }
}
