package dev.solstice.platform.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import dev.solstice.jobrequest.amqp.QueueTopology;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes persistent messages on one channel in confirm mode and completes each future only when
 * the broker confirmed it (it is then on disk, in every queue it was routed to). Messages are
 * published {@code mandatory}: one that no queue would take is returned and fails, never silently
 * dropped. A nack, a return, a lost connection or a confirm slower than the timeout fails the
 * future with {@link PublishException}; the caller decides to answer 503 or to retry.
 *
 * <p>The AMQP channel is used from one thread only (publishing is not thread-safe, and the sequence
 * number must be read and used atomically), so Vert.x event loops never block on a socket write.
 */
public final class ConfirmingPublisher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ConfirmingPublisher.class);

  private record Pending(
      Promise<Void> promise, Context context, String messageId, long timer, long startNanos) {}

  private final Vertx vertx;
  private final Duration confirmTimeout;
  private final List<QueueTopology> topologies;
  private final ExecutorService thread;
  private final ConcurrentNavigableMap<Long, Pending> pending = new ConcurrentSkipListMap<>();
  private final Map<String, String> returned = new java.util.concurrent.ConcurrentHashMap<>();
  private final AtomicLong generation = new AtomicLong();
  private final Timer confirmLatency;
  private final MessageTracing tracing;
  private volatile Channel channel;

  /**
   * From the start of a connection recovery until this channel's confirm mode is restored. The
   * client swaps in the new channel before it re-sends confirm.select; a message published in
   * between is not counted by the broker but is by the client, and every later confirm is then
   * attributed to the wrong message (seen in BrokerOutageIT: one message in flight, confirmed by
   * the broker, timed out here, 503 for ever). Nothing is published while this is set.
   */
  private volatile boolean recovering;

  /** Without metrics, for a process that exports none. */
  public ConfirmingPublisher(
      Vertx vertx,
      AmqpConnector connector,
      Duration confirmTimeout,
      List<QueueTopology> topologies,
      String name) {
    this(vertx, connector, confirmTimeout, topologies, name, new CompositeMeterRegistry());
  }

  /**
   * @param topologies flows declared on the publishing channel, before anything is published (their
   *     declarations are then recovered with that long-lived channel)
   */
  public ConfirmingPublisher(
      Vertx vertx,
      AmqpConnector connector,
      Duration confirmTimeout,
      List<QueueTopology> topologies,
      String name,
      MeterRegistry registry) {
    this.vertx = vertx;
    this.tracing = connector.tracing();
    this.confirmLatency =
        Timer.builder("solstice_publish_confirm")
            .description("Time from publish to the broker's confirm")
            .publishPercentileHistogram()
            .register(registry);
    this.confirmTimeout = confirmTimeout;
    this.topologies = topologies;
    this.thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "amqp-publish-" + name);
              t.setDaemon(true);
              return t;
            });
    connector.onConnect(this::open);
  }

  private void open(Connection connection) {
    thread.execute(
        () -> {
          try {
            Channel ch = connection.createChannel();
            for (QueueTopology t : topologies) {
              Topology.declare(ch, t);
            }
            ((Recoverable) connection)
                .addRecoveryListener(
                    new RecoveryListener() {
                      @Override
                      public void handleRecovery(Recoverable recoverable) {
                        recovering = false;
                      }

                      @Override
                      public void handleRecoveryStarted(Recoverable recoverable) {
                        recovering = true;
                      }
                    });
            ch.confirmSelect();
            ch.addConfirmListener(
                new ConfirmListener() {
                  @Override
                  public void handleAck(long tag, boolean multiple) {
                    settle(tag, multiple, null);
                  }

                  @Override
                  public void handleNack(long tag, boolean multiple) {
                    settle(tag, multiple, "the broker refused the message (nack)");
                  }
                });
            ch.addReturnListener(
                r ->
                    returned.put(
                        String.valueOf(r.getProperties().getMessageId()),
                        r.getReplyText()
                            + " (no queue bound for "
                            + r.getExchange()
                            + "/"
                            + r.getRoutingKey()
                            + ")"));
            ch.addShutdownListener(
                cause -> failAll("connection to the broker lost before confirm"));
            ((Recoverable) ch)
                .addRecoveryListener(
                    new RecoveryListener() {
                      @Override
                      public void handleRecovery(Recoverable recoverable) {
                        generation.incrementAndGet();
                        recovering = false; // confirm mode is back on the new channel
                      }

                      @Override
                      public void handleRecoveryStarted(Recoverable recoverable) {
                        recovering = true;
                        failAll("connection to the broker lost before confirm");
                      }
                    });
            channel = ch;
          } catch (IOException e) {
            LOG.error("cannot open the publishing channel: {}", e.getMessage());
          }
        });
  }

  /** True while the channel is open and able to take messages. */
  public boolean isReady() {
    Channel ch = channel;
    return ch != null && ch.isOpen() && !recovering;
  }

  /**
   * Publishes and waits for the confirm. With tracing on, the publish is a span (a child of the
   * current context, ended at the confirm) whose trace context goes into the message's headers.
   *
   * @param properties should be persistent (delivery mode 2) and carry a message id
   */
  public Future<Void> publish(
      String exchange, String routingKey, AMQP.BasicProperties properties, byte[] body) {
    if (!tracing.enabled()) {
      return send(exchange, routingKey, properties, body);
    }
    MessageTracing.Publish traced = tracing.startPublish(exchange, routingKey, properties);
    return send(exchange, routingKey, traced.properties(), body)
        .onComplete(ar -> MessageTracing.end(traced.span(), ar));
  }

  private Future<Void> send(
      String exchange, String routingKey, AMQP.BasicProperties properties, byte[] body) {
    Context context = vertx.getOrCreateContext();
    Promise<Void> promise = Promise.promise();
    Channel ch = channel;
    if (ch == null || !ch.isOpen() || recovering) {
      return Future.failedFuture(new PublishException("the broker is unavailable"));
    }
    thread.execute(
        () -> {
          if (recovering) {
            context.runOnContext(
                v -> promise.tryFail(new PublishException("the broker is unavailable")));
            return;
          }
          long seq = ch.getNextPublishSeqNo();
          long timer =
              vertx.setTimer(
                  confirmTimeout.toMillis(),
                  id -> {
                    Pending p = pending.remove(seq);
                    if (p != null) {
                      fail(
                          p,
                          "no confirm from the broker within " + confirmTimeout.toMillis() + " ms");
                    }
                  });
          pending.put(
              seq,
              new Pending(promise, context, properties.getMessageId(), timer, System.nanoTime()));
          try {
            ch.basicPublish(exchange, routingKey, true, properties, body);
          } catch (IOException | RuntimeException e) {
            Pending p = pending.remove(seq);
            if (p != null) {
              fail(p, "publish failed: " + e.getMessage());
            }
          }
        });
    return promise.future();
  }

  private void settle(long tag, boolean multiple, String nackReason) {
    ConcurrentNavigableMap<Long, Pending> done =
        multiple ? pending.headMap(tag, true) : pending.subMap(tag, true, tag, true);
    for (Long seq : List.copyOf(done.keySet())) {
      Pending p = pending.remove(seq);
      if (p == null) {
        continue;
      }
      String returnReason = p.messageId() == null ? null : returned.remove(p.messageId());
      if (nackReason != null) {
        fail(p, nackReason);
      } else if (returnReason != null) {
        fail(p, "unroutable: " + returnReason);
      } else {
        vertx.cancelTimer(p.timer());
        confirmLatency.record(
            System.nanoTime() - p.startNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
        p.context().runOnContext(v -> p.promise().tryComplete());
      }
    }
  }

  private void failAll(String reason) {
    for (Long seq : List.copyOf(pending.keySet())) {
      Pending p = pending.remove(seq);
      if (p != null) {
        fail(p, reason);
      }
    }
  }

  private void fail(Pending p, String reason) {
    vertx.cancelTimer(p.timer());
    p.context().runOnContext(v -> p.promise().tryFail(new PublishException(reason)));
  }

  /** Messages published and not yet confirmed. */
  public int inFlight() {
    return pending.size();
  }

  @Override
  public void close() {
    thread.shutdown();
  }
}
