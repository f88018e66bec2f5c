package dev.solstice.integration.testing;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.solstice.jobrequest.amqp.QueueTopology;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The machine's real RabbitMQ (AMQP_TEST_URL, default amqp://guest:guest@127.0.0.1:5672), seen by a
 * test: isolated flow names per test so parallel runs never meet, reading and counting queues, and
 * cleaning up.
 */
public final class TestBroker implements AutoCloseable {

  public static final String URL =
      System.getenv().getOrDefault("AMQP_TEST_URL", "amqp://guest:guest@127.0.0.1:5672/%2f");

  private final Connection connection;
  private final Channel channel;
  private final List<String> queues = new ArrayList<>();
  private final List<String> exchanges = new ArrayList<>();

  public TestBroker() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(URL);
    connection = factory.newConnection("solstice-test");
    channel = connection.createChannel();
  }

  /** A suffix unique to this test run, e.g. {@code .t-1a2b3c4d}. */
  public static String uniqueSuffix() {
    return ".t-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Remembers a flow's names to delete on close. */
  public QueueTopology track(QueueTopology t) {
    queues.add(t.queue());
    queues.add(t.deadLetterQueue());
    exchanges.add(t.exchange());
    exchanges.add(t.deadLetterExchange());
    return t;
  }

  /** Remembers every queue and exchange a service with this configuration declares. */
  public void trackAll(dev.solstice.integration.config.AppConfig config) {
    track(config.jobs());
    track(config.results());
    track(config.intake());
    track(QueueTopology.cancelsOf(config.jobs()));
    for (java.time.Duration d : config.retryDelays()) {
      trackQueue(dev.solstice.platform.amqp.Topology.delayQueueName(config.intake(), d));
    }
    for (java.time.Duration d : config.resultsRetryDelays()) {
      trackQueue(dev.solstice.platform.amqp.Topology.delayQueueName(config.results(), d));
    }
    trackQueue( // the installation lanes' safety copies (issue 14)
        dev.solstice.platform.amqp.Topology.delayQueueName(
            config.intake(), config.lanes().safetyDelay()));
  }

  public void trackQueue(String queue) {
    queues.add(queue);
  }

  public long count(String queue) throws IOException {
    return channel.messageCount(queue);
  }

  /** Takes (and acks) one message, or null if the queue is empty. */
  public GetResponse get(String queue) throws IOException {
    return channel.basicGet(queue, true);
  }

  /** Takes every message now in the queue. */
  public List<GetResponse> drain(String queue) throws IOException {
    List<GetResponse> out = new ArrayList<>();
    for (GetResponse r = get(queue); r != null; r = get(queue)) {
      out.add(r);
    }
    return out;
  }

  public Channel channel() {
    return channel;
  }

  @Override
  public void close() throws Exception {
    // A fresh channel per deletion: a failed one (already gone) closes its channel.
    for (String q : new java.util.LinkedHashSet<>(queues)) {
      try (Channel c = connection.createChannel()) {
        c.queueDelete(q);
      } catch (Exception ignored) {
        // already gone
      }
    }
    for (String x : new java.util.LinkedHashSet<>(exchanges)) {
      try (Channel c = connection.createChannel()) {
        c.exchangeDelete(x);
      } catch (Exception ignored) {
        // already gone
      }
    }
    connection.close();
  }
}
