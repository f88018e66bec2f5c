package dev.solstice.jobrequest.amqp;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The names and arguments of one message flow on RabbitMQ: a durable direct exchange, a durable
 * queue bound to it with one routing key, dead-lettered to a shared dead-letter exchange into a
 * dead-letter queue bound with the same routing key. Both ends of a flow declare it from this
 * record (idempotently), and {@code deploy/rabbitmq/definitions.json} ships the same; a test keeps
 * them equal.
 *
 * @param quorum declare the work queue as a quorum queue (replicated; needs RabbitMQ 3.8+)
 */
public record QueueTopology(
    String exchange,
    String routingKey,
    String queue,
    String deadLetterExchange,
    String deadLetterQueue,
    boolean quorum) {

  /** Default names of the JobRequest flow, as existing deployments use them. */
  public static final QueueTopology JOBS =
      new QueueTopology(
          "solstice.jobs",
          "jobrequest.v1",
          "solstice.jobs.v1",
          "solstice.dlx",
          "solstice.jobs.v1.dlq",
          false);

  /** Default names of the JobResult flow. */
  public static final QueueTopology RESULTS =
      new QueueTopology(
          "solstice.results",
          "jobresult.v1",
          "solstice.results.v1",
          "solstice.dlx",
          "solstice.results.v1.dlq",
          false);

  /**
   * The cancel flow that goes with a JobRequest flow: the same exchange and dead-letter exchange,
   * routing key {@code jobcancel.v1}, queue {@code <jobs queue>.cancel} (default {@code
   * solstice.jobs.v1.cancel}) and its {@code .dlq}. Derived, so both ends agree without more
   * settings.
   */
  public static QueueTopology cancelsOf(QueueTopology jobs) {
    return new QueueTopology(
        jobs.exchange(),
        "jobcancel.v1",
        jobs.queue() + ".cancel",
        jobs.deadLetterExchange(),
        jobs.queue() + ".cancel.dlq",
        jobs.quorum());
  }

  /**
   * Arguments of the work queue's declaration; a redeclaration with other arguments is refused by
   * the broker.
   */
  public Map<String, Object> queueArguments() {
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("x-dead-letter-exchange", deadLetterExchange);
    if (quorum) {
      args.put("x-queue-type", "quorum");
    }
    return args;
  }

  /** Arguments of the dead-letter queue: parked messages stay until an operator acts. */
  public Map<String, Object> deadLetterQueueArguments() {
    return quorum ? Map.of("x-queue-type", "quorum") : Map.of();
  }

  public QueueTopology withQuorum(boolean enabled) {
    return new QueueTopology(
        exchange, routingKey, queue, deadLetterExchange, deadLetterQueue, enabled);
  }

  /** The same flow with every name suffixed, so tests sharing one broker do not see each other. */
  public QueueTopology isolated(String suffix) {
    return new QueueTopology(
        exchange + suffix,
        routingKey,
        queue + suffix,
        deadLetterExchange + suffix,
        deadLetterQueue + suffix,
        quorum);
  }
}
