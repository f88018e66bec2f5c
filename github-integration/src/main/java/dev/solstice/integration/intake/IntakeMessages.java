package dev.solstice.integration.intake;

import com.rabbitmq.client.AMQP;
import dev.solstice.integration.core.WebhookDelivery;
import dev.solstice.jobrequest.amqp.MessageProperties;
import dev.solstice.platform.amqp.Delivery;
import dev.solstice.platform.amqp.UnreadableMessageException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** How a {@link WebhookDelivery} is written to, and read back from, an intake message. */
public final class IntakeMessages {

  static final String EVENT_HEADER = "x-github-event";
  static final String RECEIVED_HEADER = "x-solstice-received-at";

  private IntakeMessages() {}

  /** AMQP properties of the intake message: persistent, message id = delivery id. */
  public static AMQP.BasicProperties properties(WebhookDelivery delivery, String reason) {
    Map<String, Object> headers = new HashMap<>();
    headers.put(MessageProperties.DELIVERY_ID_HEADER, delivery.deliveryId());
    headers.put(EVENT_HEADER, delivery.event());
    headers.put(RECEIVED_HEADER, delivery.receivedAt().toString());
    headers.put(MessageProperties.ATTEMPTS_HEADER, delivery.attempt());
    if (reason != null) {
      headers.put(MessageProperties.PARK_REASON_HEADER, reason);
    }
    return new AMQP.BasicProperties.Builder()
        .contentType(MessageProperties.CONTENT_TYPE)
        .deliveryMode(MessageProperties.PERSISTENT)
        .messageId(delivery.deliveryId())
        .type("webhook." + delivery.event())
        .timestamp(java.util.Date.from(delivery.receivedAt()))
        .headers(headers)
        .build();
  }

  /**
   * Reads a delivery back from an intake message.
   *
   * @throws UnreadableMessageException when its headers cannot be read (the consumer parks it)
   */
  public static WebhookDelivery from(Delivery message) {
    try {
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
    } catch (RuntimeException e) {
      throw new UnreadableMessageException("unreadable intake message: " + e.getMessage(), e);
    }
  }
}
