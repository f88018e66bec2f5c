package dev.solstice.platform.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.solstice.jobrequest.amqp.QueueTopology;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes one queue with manual acks and a bounded prefetch, handing each message to a handler on
 * a Vert.x context. The client library re-registers the consumer after a connection recovery; acks
 * of deliveries from before the recovery are dropped by it (the broker redelivers those messages).
 */
public final class QueueConsumer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(QueueConsumer.class);

  private final Context context;
  private final QueueTopology topology;
  private final int prefetch;
  private final Handler<Delivery> handler;
  private final ExecutorService thread;
  private final AtomicInteger unacked = new AtomicInteger();
  private volatile Channel channel;
  private volatile String consumerTag;
  private volatile boolean paused;
  private final boolean ownContextPerDelivery;

  /**
   * @param setup extra declarations to make on the consumer's channel before consuming (may be
   *     null)
   */
  public QueueConsumer(
      Context context,
      AmqpConnector connector,
      QueueTopology topology,
      int prefetch,
      ChannelSetup setup,
      Handler<Delivery> handler) {
    this.context = context;
    this.topology = topology;
    this.prefetch = prefetch;
    this.handler = handler;
    this.ownContextPerDelivery = connector.tracing().enabled();
    this.thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "amqp-consume-" + topology.queue());
              t.setDaemon(true);
              return t;
            });
    connector.onConnect(c -> thread.execute(() -> open(c, setup)));
  }

  /** Declarations a consumer makes before it starts. */
  @FunctionalInterface
  public interface ChannelSetup {
    void apply(Channel channel) throws IOException;
  }

  private void open(Connection connection, ChannelSetup setup) {
    try {
      Channel ch = connection.createChannel();
      Topology.declare(ch, topology);
      if (setup != null) {
        setup.apply(ch);
      }
      ch.basicQos(prefetch);
      channel = ch;
      if (!paused) {
        consume(ch);
      }
    } catch (IOException e) {
      LOG.error("cannot consume {}: {}", topology.queue(), e.getMessage());
    }
  }

  private void consume(Channel ch) throws IOException {
    consumerTag =
        ch.basicConsume(
            topology.queue(),
            false,
            new DefaultConsumer(ch) {
              @Override
              public void handleDelivery(
                  String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
                unacked.incrementAndGet();
                Delivery delivery = new AmqpDelivery(ch, envelope, props, body);
                deliveryContext().runOnContext(v -> handler.handle(delivery));
              }

              @Override
              public void handleCancel(String tag) {
                // The broker cancelled us (the queue was deleted): nothing left to cancel.
                LOG.warn("broker cancelled the consumer of {}", topology.queue());
                if (tag.equals(consumerTag)) {
                  consumerTag = null;
                }
              }
            });
  }

  /**
   * Where a delivery is handled: with tracing on, a duplicate of the consumer's context (same event
   * loop, same order), so what is current for one delivery's trace stays with its callbacks and
   * never leaks into the next delivery's.
   */
  private Context deliveryContext() {
    return ownContextPerDelivery ? ((ContextInternal) context).duplicate() : context;
  }

  /** True while the channel is open and the consumer registered. */
  public boolean isConsuming() {
    Channel ch = channel;
    return ch != null && ch.isOpen() && consumerTag != null && !paused;
  }

  /**
   * True while the channel deliveries came on is open: once it closed, their acks are void (the
   * broker redelivers them), so there is nothing left to wait for.
   */
  public boolean isChannelOpen() {
    Channel ch = channel;
    return ch != null && ch.isOpen();
  }

  /** Deliveries handed out and not yet acked or rejected. */
  public int unacked() {
    return unacked.get();
  }

  /** Stops taking new messages; those in hand may still be acked. */
  public Future<Void> pause() {
    paused = true;
    return onThread(
        () -> {
          Channel ch = channel;
          String tag = consumerTag;
          consumerTag = null;
          if (ch != null && ch.isOpen() && tag != null) {
            try {
              ch.basicCancel(tag);
            } catch (IOException e) {
              // The broker cancelled the consumer first (its queue is gone): already paused.
              LOG.debug("consumer of {} already cancelled: {}", topology.queue(), e.getMessage());
            }
          }
        });
  }

  private Future<Void> onThread(ChannelAction action) {
    Promise<Void> promise = Promise.promise();
    thread.execute(
        () -> {
          try {
            action.run();
            context.runOnContext(v -> promise.complete());
          } catch (Exception e) {
            context.runOnContext(v -> promise.fail(e));
          }
        });
    return promise.future();
  }

  @FunctionalInterface
  private interface ChannelAction {
    void run() throws Exception;
  }

  @Override
  public void close() {
    thread.shutdown();
  }

  private final class AmqpDelivery implements Delivery {
    private final Channel ch;
    private final Envelope envelope;
    private final AMQP.BasicProperties props;
    private final byte[] body;

    AmqpDelivery(Channel ch, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
      this.ch = ch;
      this.envelope = envelope;
      this.props = props;
      this.body = body;
    }

    @Override
    public byte[] body() {
      return body;
    }

    @Override
    public AMQP.BasicProperties properties() {
      return props;
    }

    @Override
    public boolean redelivered() {
      return envelope.isRedeliver();
    }

    @Override
    public Future<Void> ack() {
      return settle(() -> ch.basicAck(envelope.getDeliveryTag(), false));
    }

    @Override
    public Future<Void> reject() {
      return settle(() -> ch.basicReject(envelope.getDeliveryTag(), false));
    }

    /**
     * Counted as settled once the ack or reject went out on the channel, not when asked for: a
     * graceful stop that waits for no unacked messages must not close the connection before them.
     */
    private Future<Void> settle(ChannelAction action) {
      return onThread(action).andThen(ar -> unacked.decrementAndGet());
    }
  }
}
