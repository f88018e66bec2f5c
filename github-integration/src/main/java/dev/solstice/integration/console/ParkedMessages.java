package dev.solstice.integration.console;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.solstice.integration.amqp.DeadLetters;
import dev.solstice.jobrequest.amqp.QueueTopology;
import dev.solstice.platform.amqp.BrokerAddresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The dead-letter queues of each flow, through {@link DeadLetters} (the operations of the {@code
 * dlq} command), each call on a worker thread over a short-lived connection of its own, as the
 * command makes one: the console is used rarely, and never shares a channel with the intake.
 */
public final class ParkedMessages {

  /** Most messages one console request looks at. */
  public static final int LIMIT = 1_000;

  private final Vertx vertx;
  private final BrokerAddresses amqpUri;
  private final Map<String, QueueTopology> flows;

  /**
   * @param flows the flows by name ({@code intake}, {@code results}, {@code jobs}), in page order
   */
  public ParkedMessages(Vertx vertx, BrokerAddresses amqpUri, Map<String, QueueTopology> flows) {
    this.vertx = vertx;
    this.amqpUri = amqpUri;
    this.flows = flows;
  }

  public Map<String, QueueTopology> flows() {
    return flows;
  }

  public Future<DeadLetters.Listing> list(String flow, int limit) {
    return with(flow, dlq -> dlq.list(limit));
  }

  public Future<Optional<DeadLetters.Inspected>> inspect(String flow, String id) {
    return with(flow, dlq -> dlq.inspect(id, LIMIT));
  }

  public Future<DeadLetters.Outcome> replay(String flow, String id) {
    return with(flow, dlq -> dlq.replay(Set.of(id), false, LIMIT));
  }

  public Future<DeadLetters.Outcome> drop(String flow, String id) {
    return with(flow, dlq -> dlq.drop(Set.of(id), LIMIT));
  }

  private interface Operation<T> {
    T on(DeadLetters dlq) throws Exception;
  }

  private <T> Future<T> with(String flow, Operation<T> operation) {
    QueueTopology topology = flows.get(flow);
    if (topology == null) {
      return Future.failedFuture(new IllegalArgumentException("no flow named " + flow));
    }
    return vertx.executeBlocking(
        () -> {
          ConnectionFactory factory = new ConnectionFactory();
          factory.setUri(amqpUri.primary());
          factory.setConnectionTimeout(5_000);
          try (Connection c = factory.newConnection(amqpUri.addresses(), "solstice-console")) {
            return operation.on(new DeadLetters(c, topology));
          }
        },
        false);
  }
}
