package dev.solstice.orchestrator;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import dev.solstice.jobrequest.amqp.QueueTopology;
import java.io.IOException;

/** Declares a message flow the way every Solstice component does, so the declarations agree. */
public final class AmqpTopology {

  private AmqpTopology() {
  }

  /**
   * Declares (idempotently) the flow's durable direct exchange, its durable work queue bound with the
   * routing key and dead-lettering into the durable direct DLX, and the dead-letter queue bound to the
   * DLX with the same key. Blocking.
   *
   * @throws IOException e.g. PRECONDITION_FAILED when an entity exists with other arguments; the
   *     channel is closed then
   */
  public static void declare(Channel channel, QueueTopology flow) throws IOException {
    channel.exchangeDeclare(flow.exchange(), BuiltinExchangeType.DIRECT, true);
    channel.queueDeclare(flow.queue(), true, false, false, flow.queueArguments());
    channel.queueBind(flow.queue(), flow.exchange(), flow.routingKey());
    channel.exchangeDeclare(flow.deadLetterExchange(), BuiltinExchangeType.DIRECT, true);
    channel.queueDeclare(flow.deadLetterQueue(), true, false, false, flow.deadLetterQueueArguments());
    channel.queueBind(flow.deadLetterQueue(), flow.deadLetterExchange(), flow.routingKey());
  }
}
