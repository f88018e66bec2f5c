package dev.solstice.integration.intake;

import dev.solstice.integration.core.WebhookDelivery;
import dev.solstice.jobrequest.amqp.QueueTopology;
import dev.solstice.platform.amqp.ConfirmingPublisher;
import dev.solstice.platform.amqp.RetrySchedule;
import io.vertx.core.Future;

/**
 * The durable intake flow: accepted deliveries wait here for processing, come back here after a
 * delay when processing failed for a passing reason, and are parked in its dead-letter queue, with
 * the reason and attempt count in headers, when processing gave up.
 *
 * @param retries delays and attempts of a delivery whose processing failed
 */
public record IntakeQueue(
    ConfirmingPublisher publisher, QueueTopology topology, RetrySchedule retries) {

  /** Completes once the broker holds the delivery on disk. */
  public Future<Void> enqueue(WebhookDelivery delivery) {
    return publisher.publish(
        topology.exchange(),
        topology.routingKey(),
        IntakeMessages.properties(delivery, null),
        delivery.body());
  }
}
