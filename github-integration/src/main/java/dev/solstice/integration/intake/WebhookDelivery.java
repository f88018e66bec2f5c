package dev.solstice.integration.intake;

import com.rabbitmq.client.AMQP;
import dev.solstice.platform.amqp.Delivery;
import dev.solstice.jobrequest.amqp.MessageProperties;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * A verified webhook delivery as kept on the intake queue: the raw body exactly as GitHub sent it
 * and the headers that matter. Processing reads it back from there, so nothing is lost between the
 * 202 and the JobRequests.
 *
 * @param attempt 1 for the first processing, counted up by each retry
 */
public record WebhookDelivery(String deliveryId, String event, byte[] body, Instant receivedAt, int attempt) {

  static final String EVENT_HEADER = "x-github-event";
  static final String RECEIVED_HEADER = "x-solstice-received-at";

  /** AMQP properties of the intake message: persistent, message id = delivery id. */
  public AMQP.BasicProperties properties(String reason) {
    Map<String, Object> headers = new HashMap<>();
    headers.put(MessageProperties.DELIVERY_ID_HEADER, deliveryId);
    headers.put(EVENT_HEADER, event);
    headers.put(RECEIVED_HEADER, receivedAt.toString());
    headers.put(MessageProperties.ATTEMPTS_HEADER, attempt);
    if (reason != null) {
      headers.put(MessageProperties.PARK_REASON_HEADER, reason);
    }
    return new AMQP.BasicProperties.Builder()
        .contentType(MessageProperties.CONTENT_TYPE)
        .deliveryMode(MessageProperties.PERSISTENT)
        .messageId(deliveryId)
        .type("webhook." + event)
        .timestamp(java.util.Date.from(receivedAt))
        .headers(headers)
        .build();
  }

  /** Reads a delivery back from an intake message. */
  public static WebhookDelivery from(Delivery message) {
    String id = message.header(MessageProperties.DELIVERY_ID_HEADER);
    String event = message.header(EVENT_HEADER);
    String received = message.header(RECEIVED_HEADER);
    String attempts = message.header(MessageProperties.ATTEMPTS_HEADER);
    return new WebhookDelivery(
        id != null ? id : message.properties().getMessageId(),
        event,
        message.body(),
        received != null ? Instant.parse(received) : Instant.now(),
        attempts != null ? Integer.parseInt(attempts) : 1);
  }
}
