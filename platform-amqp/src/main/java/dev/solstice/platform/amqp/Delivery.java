package dev.solstice.platform.amqp;

import com.rabbitmq.client.AMQP;
import io.vertx.core.Future;
import java.util.Map;

/**
 * A message received with manual acknowledgement. Exactly one of {@link #ack()} or {@link
 * #reject()} must be called, after the message's side effects succeeded (ack) or were given up
 * (reject: dead-lettered, never requeued in a hot loop).
 */
public interface Delivery {

  byte[] body();

  AMQP.BasicProperties properties();

  /** True when the broker delivered this message before (after a consumer or connection died). */
  boolean redelivered();

  Future<Void> ack();

  /** Rejects without requeue, so the queue's dead-letter exchange takes it. */
  Future<Void> reject();

  /** A header as text, or null. */
  default String header(String name) {
    Map<String, Object> headers = properties().getHeaders();
    Object value = headers == null ? null : headers.get(name);
    return value == null ? null : value.toString();
  }
}
