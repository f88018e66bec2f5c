package dev.solstice.platform.amqp;

import com.rabbitmq.client.AMQP;
import dev.solstice.jobrequest.amqp.MessageProperties;
import dev.solstice.jobrequest.amqp.QueueTopology;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a message goes when its processing failed: back to its work queue after a growing delay
 * (one delay queue per step, dead-lettering into the work queue when the TTL expires: no hot loop,
 * nothing held in memory), or parked in its dead-letter queue with the reason and attempt count in
 * headers ({@code x-solstice-reason}, {@code x-solstice-attempts}).
 */
public final class RetryRoute {

  private final ConfirmingPublisher publisher;
  private final QueueTopology flow;
  private final List<Duration> delays;

  public RetryRoute(ConfirmingPublisher publisher, QueueTopology flow, List<Duration> delays) {
    this.publisher = publisher;
    this.flow = flow;
    this.delays = List.copyOf(delays);
  }

  /** The attempt number a message carries (1 when it never failed). */
  public static int attempt(Delivery message) {
    String value = message.header(MessageProperties.ATTEMPTS_HEADER);
    try {
      return value == null ? 1 : Integer.parseInt(value);
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  /** Sends attempt {@code attempt + 1} to the delay queue for it; the last delay repeats. */
  public Future<Void> retryLater(
      AMQP.BasicProperties props, byte[] body, int attempt, String reason) {
    return retryAfter(props, body, attempt, delayBefore(attempt + 1), reason);
  }

  /**
   * Sends attempt {@code attempt + 1} to the delay queue of {@code delay}, which must be one of
   * {@link #delays()}.
   */
  public Future<Void> retryAfter(
      AMQP.BasicProperties props, byte[] body, int attempt, Duration delay, String reason) {
    if (!delays.contains(delay)) {
      return Future.failedFuture(
          new IllegalArgumentException("no delay queue for " + delay + " in " + delays));
    }
    return publisher.publish(
        "", Topology.delayQueueName(flow, delay), with(props, attempt + 1, reason), body);
  }

  /** Parks the message in the flow's dead-letter queue. */
  public Future<Void> park(AMQP.BasicProperties props, byte[] body, int attempt, String reason) {
    return publisher.publish(
        flow.deadLetterExchange(), flow.routingKey(), with(props, attempt, reason), body);
  }

  /** The delay before attempt {@code n} (n ≥ 2). */
  public Duration delayBefore(int attempt) {
    return delays.get(Math.max(0, Math.min(attempt - 2, delays.size() - 1)));
  }

  public List<Duration> delays() {
    return delays;
  }

  public QueueTopology flow() {
    return flow;
  }

  private static AMQP.BasicProperties with(AMQP.BasicProperties props, int attempt, String reason) {
    Map<String, Object> headers =
        props.getHeaders() == null ? new HashMap<>() : new HashMap<>(props.getHeaders());
    headers.remove("x-death"); // the broker's own bookkeeping of an earlier dead-lettering
    headers.put(MessageProperties.ATTEMPTS_HEADER, attempt);
    if (reason != null) {
      headers.put(MessageProperties.PARK_REASON_HEADER, reason);
    }
    return props.builder().headers(headers).deliveryMode(MessageProperties.PERSISTENT).build();
  }
}
