package dev.solstice.orchestrator;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;

/**
 * Publishes on a channel of its own in confirm mode: a publication succeeds only once the broker has
 * taken responsibility for the message (for persistent messages on a durable queue: written it to disk).
 * Messages are published {@code mandatory}, so one that no queue takes fails instead of vanishing;
 * returns are matched to publications by message id, which must be set.
 */
final class ConfirmingPublisher {

  /** How long to wait for the broker's confirm before calling the publication failed. */
  static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(30);

  private final Vertx vertx;
  private final Context context;
  private final Channel channel;
  private record Pending(CompletableFuture<Void> confirmed, String messageId) {
  }

  /** Unconfirmed publications by sequence number. */
  private final ConcurrentNavigableMap<Long, Pending> pending = new ConcurrentSkipListMap<>();
  /** Why messages were returned, by message id; the broker sends a return before the message's ack. */
  private final Map<String, String> returned = new ConcurrentHashMap<>();

  private ConfirmingPublisher(Vertx vertx, Context context, Channel channel) {
    this.vertx = vertx;
    this.context = context;
    this.channel = channel;
  }

  /** Opens the channel and switches it to confirm mode; blocking, call on a worker thread. */
  static ConfirmingPublisher open(Vertx vertx, Context context, Connection connection) throws IOException {
    Channel channel = connection.createChannel();
    channel.confirmSelect();
    ConfirmingPublisher publisher = new ConfirmingPublisher(vertx, context, channel);
    channel.addConfirmListener(publisher.listener());
    channel.addReturnListener(r -> publisher.returned.put(String.valueOf(r.getProperties().getMessageId()),
        r.getReplyText() + ": no queue bound to " + r.getExchange() + " with key " + r.getRoutingKey()));
    // Confirms for messages in flight when the channel closes never come; with automatic recovery
    // the channel reopens with sequence numbers starting over, so the old ones are void anyway.
    channel.addShutdownListener(cause -> publisher.failAll(cause));
    return publisher;
  }

  /** Publishes and completes once the broker confirmed, or fails on nack, channel loss or timeout. */
  Future<Void> publish(String exchange, String routingKey, AMQP.BasicProperties properties, byte[] body) {
    return vertx.executeBlocking(() -> {
      // Sequence number and publication must not interleave with another publisher thread.
      synchronized (channel) {
        long sequence = channel.getNextPublishSeqNo();
        CompletableFuture<Void> confirmed = new CompletableFuture<>();
        pending.put(sequence, new Pending(confirmed, properties.getMessageId()));
        try {
          channel.basicPublish(exchange, routingKey, true, properties, body);
        } catch (IOException | RuntimeException e) {
          pending.remove(sequence);
          throw e;
        }
        return confirmed;
      }
    }, false).compose(confirmed -> Future.fromCompletionStage(confirmed, context))
        .timeout(CONFIRM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Closes the channel; blocking. */
  void close() {
    try {
      if (channel.isOpen()) {
        channel.close();
      }
    } catch (IOException | RuntimeException | java.util.concurrent.TimeoutException e) {
      // Closing during shutdown: nothing left to save.
    }
  }

  private ConfirmListener listener() {
    return new ConfirmListener() {
      @Override
      public void handleAck(long sequence, boolean multiple) {
        settle(sequence, multiple, null);
      }

      @Override
      public void handleNack(long sequence, boolean multiple) {
        settle(sequence, multiple, new IOException("the broker refused the message (nack)"));
      }
    };
  }

  private void settle(long sequence, boolean multiple, Throwable error) {
    if (multiple) {
      Map<Long, Pending> settled = pending.headMap(sequence, true);
      settled.values().forEach(p -> complete(p, error));
      settled.clear();
    } else {
      Pending p = pending.remove(sequence);
      if (p != null) {
        complete(p, error);
      }
    }
  }

  private void complete(Pending publication, Throwable error) {
    String returnReason = returned.remove(String.valueOf(publication.messageId()));
    if (error == null && returnReason == null) {
      publication.confirmed().complete(null);
    } else {
      publication.confirmed().completeExceptionally(
          error != null ? error : new IOException("the broker returned the message: " + returnReason));
    }
  }

  private void failAll(Throwable cause) {
    pending.values().forEach(p -> p.confirmed().completeExceptionally(
        new IOException("channel closed before the broker confirmed: " + cause.getMessage(), cause)));
    pending.clear();
    returned.clear();
  }
}
