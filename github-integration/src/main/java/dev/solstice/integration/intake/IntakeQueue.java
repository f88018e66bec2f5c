package dev.solstice.integration.intake;

import dev.solstice.integration.amqp.ConfirmingPublisher;
import dev.solstice.integration.amqp.Topology;
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
  private final List<Duration> retryDelays;

  public IntakeQueue(ConfirmingPublisher publisher, QueueTopology intake, List<Duration> retryDelays) {
    this.publisher = publisher;
    this.intake = intake;
    this.retryDelays = retryDelays;
  }

  /** Completes once the broker holds the delivery on disk. */
  public Future<Void> enqueue(WebhookDelivery delivery) {
    return publisher.publish(intake.exchange(), intake.routingKey(), delivery.properties(null), delivery.body());
  }

  /** Schedules the next attempt after the delay for this attempt number (the last delay repeats). */
  public Future<Void> retryLater(WebhookDelivery failed, String reason) {
    Duration delay = delayBefore(failed.attempt() + 1);
    WebhookDelivery next = failed.nextAttempt();
    return publisher.publish("", Topology.delayQueueName(intake, delay), next.properties(reason), next.body());
  }

  /** Parks the delivery in the dead-letter queue for an operator. */
  public Future<Void> park(WebhookDelivery failed, String reason) {
    return publisher.publish(intake.deadLetterExchange(), intake.routingKey(), failed.properties(reason), failed.body());
  }

  /** The delay before attempt {@code n} (n ≥ 2). */
  public Duration delayBefore(int attempt) {
    int index = Math.min(attempt - 2, retryDelays.size() - 1);
    return retryDelays.get(Math.max(index, 0));
  }

  public List<Duration> retryDelays() {
    return retryDelays;
  }

  public QueueTopology topology() {
    return intake;
  }
}
