package dev.solstice.platform.amqp;

import dev.solstice.jobrequest.amqp.QueueTopology;
import dev.solstice.platform.config.EnvReader;

/**
 * The flows' names as every executable reads them from the environment; what is not set keeps the
 * name in {@link QueueTopology}.
 */
public final class TopologyEnv {

  private TopologyEnv() {}

  /**
   * {@code AMQP_EXCHANGE}, {@code AMQP_ROUTING_KEY}, {@code AMQP_QUEUE}, {@code AMQP_DLX}, {@code
   * AMQP_DLQ}.
   */
  public static QueueTopology jobs(EnvReader in, boolean quorum) {
    return new QueueTopology(
        in.string("AMQP_EXCHANGE", QueueTopology.JOBS.exchange()),
        in.string("AMQP_ROUTING_KEY", QueueTopology.JOBS.routingKey()),
        in.string("AMQP_QUEUE", QueueTopology.JOBS.queue()),
        in.string("AMQP_DLX", QueueTopology.JOBS.deadLetterExchange()),
        in.string("AMQP_DLQ", QueueTopology.JOBS.deadLetterQueue()),
        quorum);
  }

  /**
   * {@code AMQP_RESULTS_EXCHANGE}, {@code _ROUTING_KEY}, {@code _QUEUE} and {@code _DLQ}. Both
   * flows share one dead-letter exchange (as in deploy/rabbitmq), hence no {@code
   * AMQP_RESULTS_DLX}.
   */
  public static QueueTopology results(EnvReader in, String deadLetterExchange, boolean quorum) {
    return new QueueTopology(
        in.string("AMQP_RESULTS_EXCHANGE", QueueTopology.RESULTS.exchange()),
        in.string("AMQP_RESULTS_ROUTING_KEY", QueueTopology.RESULTS.routingKey()),
        in.string("AMQP_RESULTS_QUEUE", QueueTopology.RESULTS.queue()),
        deadLetterExchange,
        in.string("AMQP_RESULTS_DLQ", QueueTopology.RESULTS.deadLetterQueue()),
        quorum);
  }
}
