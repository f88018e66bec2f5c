package dev.solstice.platform.amqp;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import dev.solstice.jobrequest.amqp.QueueTopology;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Idempotent declarations of our flows; the same as {@code deploy/rabbitmq/definitions.json}. */
public final class Topology {

  private Topology() {}

  /**
   * Exchange, work queue and its binding, dead-letter exchange, dead-letter queue and its binding.
   */
  public static void declare(Channel channel, QueueTopology t) throws IOException {
    channel.exchangeDeclare(t.exchange(), BuiltinExchangeType.DIRECT, true);
    channel.exchangeDeclare(t.deadLetterExchange(), BuiltinExchangeType.DIRECT, true);
    channel.queueDeclare(t.queue(), true, false, false, t.queueArguments());
    channel.queueBind(t.queue(), t.exchange(), t.routingKey());
    channel.queueDeclare(t.deadLetterQueue(), true, false, false, t.deadLetterQueueArguments());
    channel.queueBind(t.deadLetterQueue(), t.deadLetterExchange(), t.routingKey());
  }

  /**
   * A delay queue: messages published to it (through the default exchange) wait {@code delay}, then
   * dead-letter back into the work queue of {@code t}. One queue per delay, because RabbitMQ
   * expires only messages at the head of a queue, so mixed per-message TTLs would wait for each
   * other.
   */
  public static String declareDelay(Channel channel, QueueTopology t, Duration delay)
      throws IOException {
    String name = delayQueueName(t, delay);
    channel.queueDeclare(name, true, false, false, delayArguments(t, delay));
    return name;
  }

  public static String delayQueueName(QueueTopology t, Duration delay) {
    return t.queue() + ".retry." + delay.toMillis() + "ms";
  }

  public static Map<String, Object> delayArguments(QueueTopology t, Duration delay) {
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("x-message-ttl", delay.toMillis());
    args.put("x-dead-letter-exchange", t.exchange());
    args.put("x-dead-letter-routing-key", t.routingKey());
    if (t.quorum()) {
      args.put("x-queue-type", "quorum");
    }
    return args;
  }
}
