package dev.solstice.integration.ops;

import com.rabbitmq.client.Channel;
import dev.solstice.platform.amqp.AmqpConnector;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code solstice_queue_depth{queue}} and {@code solstice_queue_consumers{queue}}: messages ready
 * in each of our queues and the consumers attached to it (the operator console shows both), polled
 * every few seconds on a channel of its own (a passive declare), so a growing intake or DLQ is
 * visible and alertable. NaN while the broker is unreachable.
 */
public final class QueueDepthGauge {

  private static final Logger LOG = LoggerFactory.getLogger(QueueDepthGauge.class);
  private static final long PERIOD_SECONDS = 5;

  private final Map<String, Double> depths = new ConcurrentHashMap<>();
  private final Map<String, Double> consumers = new ConcurrentHashMap<>();
  private final List<String> queues;
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "amqp-queue-depth");
            t.setDaemon(true);
            return t;
          });
  private volatile Channel channel;

  public QueueDepthGauge(AmqpConnector connector, MeterRegistry registry, List<String> queues) {
    this.queues = List.copyOf(queues);
    for (String queue : queues) {
      depths.put(queue, Double.NaN);
      consumers.put(queue, Double.NaN);
      Gauge.builder("solstice_queue_consumers", consumers, m -> m.getOrDefault(queue, Double.NaN))
          .description("Consumers of the queue")
          .tag("queue", queue)
          .register(registry);
      Gauge.builder("solstice_queue_depth", depths, m -> m.getOrDefault(queue, Double.NaN))
          .description("Messages ready in the queue")
          .tag("queue", queue)
          .register(registry);
    }
    connector.onConnect(
        c ->
            thread.execute(
                () -> {
                  try {
                    channel = c.createChannel();
                  } catch (Exception e) {
                    LOG.debug("no channel for queue depths: {}", e.getMessage());
                  }
                }));
    thread.scheduleWithFixedDelay(() -> poll(queues), 1, PERIOD_SECONDS, TimeUnit.SECONDS);
  }

  private void poll(List<String> queues) {
    for (String queue : queues) {
      Channel ch = channel;
      try {
        if (ch != null && ch.isOpen()) {
          var declared = ch.queueDeclarePassive(queue);
          depths.put(queue, (double) declared.getMessageCount());
          consumers.put(queue, (double) declared.getConsumerCount());
        } else {
          depths.put(queue, Double.NaN);
          consumers.put(queue, Double.NaN);
        }
      } catch (Exception e) {
        // A queue not declared yet closes the channel (404); reopen on the next connection event.
        depths.put(queue, Double.NaN);
        consumers.put(queue, Double.NaN);
        if (ch != null && !ch.isOpen()) {
          reopen(ch);
        }
      }
    }
  }

  /**
   * A queue's last polled figures.
   *
   * @param ready messages ready; NaN while unknown
   * @param consumers consumers attached; NaN while unknown
   */
  public record Depth(String queue, double ready, double consumers) {}

  /** The last polled figures of every queue, in the order they were given. */
  public List<Depth> snapshot() {
    return queues.stream()
        .map(
            q ->
                new Depth(
                    q, depths.getOrDefault(q, Double.NaN), consumers.getOrDefault(q, Double.NaN)))
        .toList();
  }

  private void reopen(Channel closed) {
    try {
      channel = closed.getConnection().createChannel();
    } catch (Exception e) {
      LOG.debug("cannot reopen queue-depth channel: {}", e.getMessage());
    }
  }

  public void close() {
    thread.shutdownNow();
  }
}
