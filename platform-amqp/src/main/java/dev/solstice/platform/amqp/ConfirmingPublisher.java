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
 *
 * <p>Hot path (issue 18): a message costs one hand-over to the publishing thread (publishes queued
 * while it was busy go out in one batch), no timer of its own (one sweep a tenth of the timeout
 * fails those past their deadline), and one hand-back to its Vert.x context per confirm frame and
 * context, however many messages a {@code multiple} confirm settles.
 */
public final class ConfirmingPublisher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ConfirmingPublisher.class);

  private record Pending(
      Promise<Void> promise, Context context, String messageId, long startNanos) {}

  /** A publish waiting for the publishing thread. */
  private record Outgoing(
      String exchange,
      String routingKey,
      AMQP.BasicProperties properties,
      byte[] body,
      Promise<Void> promise,
      Context context,
      Channel channel) {}

  private final Vertx vertx;
  private final Duration confirmTimeout;
  private final List<QueueTopology> topologies;
  private final ExecutorService thread;
  private final java.util.concurrent.ConcurrentLinkedQueue<Outgoing> outgoing =
      new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final java.util.concurrent.atomic.AtomicBoolean draining =
      new java.util.concurrent.atomic.AtomicBoolean();
  private final long sweepTimer;
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
    // One sweep instead of a timer per message: a confirm is failed between timeout and 1.1 x it.
    long period = Math.max(10, confirmTimeout.toMillis() / 10);
    this.sweepTimer = vertx.setPeriodic(period, id -> sweep());
  }

  private void sweep() {
    if (pending.isEmpty()) {
      return;
    }
    long now = System.nanoTime();
    long timeout = confirmTimeout.toNanos();
    for (var e : pending.entrySet()) {
      // Sequence numbers grow with time: the first one still in time ends the sweep.
      if (now - e.getValue().startNanos() < timeout) {
        break;
      }
      Pending p = pending.remove(e.getKey());
      if (p != null) {
        fail(p, "no confirm from the broker within " + confirmTimeout.toMillis() + " ms");
      }
    }
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
    Channel ch = channel;
    if (ch == null || !ch.isOpen() || recovering) {
      return Future.failedFuture(new PublishException("the broker is unavailable"));
    }
    Promise<Void> promise = Promise.promise();
    outgoing.add(
        new Outgoing(
            exchange, routingKey, properties, body, promise, vertx.getOrCreateContext(), ch));
    // One task on the publishing thread drains everything queued meanwhile.
    if (draining.compareAndSet(false, true)) {
      thread.execute(this::drain);
    }
    return promise.future();
  }

  /** On the publishing thread: publishes every queued message, in order. */
  private void drain() {
    while (true) {
      Outgoing o;
      while ((o = outgoing.poll()) != null) {
        publishNow(o);
      }
      draining.set(false);
      // A message queued after the last poll but before the flag was cleared would wait for the
      // next send: take the drain back if so.
      if (outgoing.isEmpty() || !draining.compareAndSet(false, true)) {
        return;
      }
    }
  }

  private void publishNow(Outgoing o) {
    if (recovering) {
      o.context()
          .runOnContext(
              v -> o.promise().tryFail(new PublishException("the broker is unavailable")));
      return;
    }
    Channel ch = o.channel();
    long seq = ch.getNextPublishSeqNo();
    pending.put(
        seq,
        new Pending(o.promise(), o.context(), o.properties().getMessageId(), System.nanoTime()));
    try {
      ch.basicPublish(o.exchange(), o.routingKey(), true, o.properties(), o.body());
    } catch (IOException | RuntimeException e) {
      Pending p = pending.remove(seq);
      if (p != null) {
        fail(p, "publish failed: " + e.getMessage());
      }
    }
  }

  private void settle(long tag, boolean multiple, String nackReason) {
    if (!multiple) {
      Pending p = pending.remove(tag);
      if (p != null) {
        settleOne(p, nackReason, null);
      }
      return;
    }
    // Several messages settled by one frame: one hand-back per Vert.x context, not per message.
    Map<Context, List<Runnable>> byContext = new java.util.HashMap<>(4);
    Map.Entry<Long, Pending> e;
    while ((e = pending.firstEntry()) != null && e.getKey() <= tag) {
      Pending p = pending.remove(e.getKey());
      if (p != null) {
        settleOne(p, nackReason, byContext);
      }
    }
    byContext.forEach((context, done) -> context.runOnContext(v -> done.forEach(Runnable::run)));
  }

  /** Completes or fails {@code p}; on {@code batch}'s context later when a batch is given. */
  private void settleOne(Pending p, String nackReason, Map<Context, List<Runnable>> batch) {
    String returnReason = p.messageId() == null ? null : returned.remove(p.messageId());
    if (nackReason != null) {
      fail(p, nackReason);
    } else if (returnReason != null) {
      fail(p, "unroutable: " + returnReason);
    } else {
      confirmLatency.record(
          System.nanoTime() - p.startNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
      if (batch == null) {
        p.context().runOnContext(v -> p.promise().tryComplete());
      } else {
        batch
            .computeIfAbsent(p.context(), c -> new java.util.ArrayList<>())
            .add(() -> p.promise().tryComplete());
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
    p.context().runOnContext(v -> p.promise().tryFail(new PublishException(reason)));
  }

  /** Messages published and not yet confirmed. */
  public int inFlight() {
    return pending.size();
  }

  @Override
  public void close() {
    vertx.cancelTimer(sweepTimer);
    thread.shutdown();
  }
}
