package dev.solstice.integration.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.solstice.integration.jobtoken.JobTokens;
import dev.solstice.jobrequest.amqp.MessageProperties;
import dev.solstice.jobrequest.amqp.QueueTopology;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The operations on a flow's dead-letter queue that both the {@code dlq} command and the operator
 * console offer: list, inspect, replay, drop. Blocking (the RabbitMQ client): call from a worker
 * thread.
 *
 * <p>Messages are read with {@code basic.get} without ack; those not replayed or dropped go back to
 * the DLQ (in place) when the channel closes, so {@link #list} and {@link #inspect} change nothing.
 * A replayed message starts again at attempt 1; a webhook delivery already processed is dropped by
 * the delivery ledger, so replaying twice never duplicates work.
 */
public final class DeadLetters {

  /** Headers a replay removes: the broker's death records. */
  private static final List<String> DEATH_HEADERS =
      List.of(
          "x-death",
          "x-first-death-exchange",
          "x-first-death-queue",
          "x-first-death-reason",
          "x-last-death-exchange",
          "x-last-death-queue",
          "x-last-death-reason");

  private final Connection connection;
  private final QueueTopology topology;

  public DeadLetters(Connection connection, QueueTopology topology) {
    this.connection = connection;
    this.topology = topology;
  }

  public QueueTopology topology() {
    return topology;
  }

  /**
   * One parked message as an operator sees it. {@code reason} has any job token redacted.
   *
   * @param parkedAt null when the message carries no timestamp
   */
  public record Parked(
      String messageId,
      String deliveryId,
      String type,
      String attempts,
      Instant parkedAt,
      String reason) {

    /** A tab-separated line, as {@code dlq list} prints it. */
    public String line() {
      return String.join(
          "\t",
          String.valueOf(messageId),
          String.valueOf(deliveryId),
          String.valueOf(type),
          String.valueOf(attempts),
          parkedAt == null ? "-" : parkedAt.toString(),
          reason == null ? "-" : reason.replace('\n', ' ').replace('\t', ' '));
    }

    /** The id to name it by: its delivery id when it has one, else its message id. */
    public String id() {
      return deliveryId != null ? deliveryId : messageId;
    }
  }

  /** A parked message with its headers and body, for a closer look. */
  public record Inspected(Parked parked, Map<String, String> headers, String body) {}

  /** What a listing found. */
  public record Listing(long total, List<Parked> messages) {}

  /**
   * What a replay or drop did.
   *
   * @param done the messages replayed or dropped
   * @param missing the ids asked for that are not in the DLQ
   * @param unroutable when replay stopped: the work exchange routes to no queue (the message stays
   *     parked); null otherwise
   */
  public record Outcome(List<Parked> done, Set<String> missing, String unroutable) {}

  /** Up to {@code limit} parked messages, oldest first; nothing is removed. */
  public Listing list(int limit) throws Exception {
    try (Channel ch = channel()) {
      long total = ch.messageCount(topology.deadLetterQueue());
      List<Parked> messages = new ArrayList<>();
      for (int n = 0; n < limit; n++) {
        GetResponse r = ch.basicGet(topology.deadLetterQueue(), false);
        if (r == null) {
          break;
        }
        messages.add(describe(r));
      }
      return new Listing(total, messages);
      // No ack: closing the channel puts every message back.
    }
  }

  /** The first parked message named {@code id} (message or delivery id), with headers and body. */
  public java.util.Optional<Inspected> inspect(String id, int limit) throws Exception {
    try (Channel ch = channel()) {
      for (GetResponse r : take(ch, Set.of(id), false, limit, new LinkedHashSet<>())) {
        Map<String, String> headers = new TreeMap<>();
        if (r.getProps().getHeaders() != null) {
          r.getProps().getHeaders().forEach((k, v) -> headers.put(k, redact(text(v))));
        }
        String body = redact(new String(r.getBody(), StandardCharsets.UTF_8));
        return java.util.Optional.of(new Inspected(describe(r), headers, body));
      }
      return java.util.Optional.empty();
    }
  }

  /**
   * Sends the named messages (every one when {@code all}, at most {@code limit}) back to the work
   * queue as fresh messages, each acked from the DLQ only after the broker confirmed the copy.
   */
  public Outcome replay(Set<String> ids, boolean all, int limit) throws Exception {
    Set<String> found = new LinkedHashSet<>();
    List<Parked> replayed = new ArrayList<>();
    try (Channel ch = channel()) {
      ch.confirmSelect();
      List<String> unroutable = new ArrayList<>();
      ch.addReturnListener(r -> unroutable.add(r.getProperties().getMessageId()));
      for (GetResponse r : take(ch, ids, all, limit, found)) {
        ch.basicPublish(
            topology.exchange(), topology.routingKey(), true, fresh(r.getProps()), r.getBody());
        ch.waitForConfirmsOrDie(10_000);
        if (!unroutable.isEmpty()) {
          return new Outcome(
              replayed,
              missing(ids, found),
              topology.exchange()
                  + "/"
                  + topology.routingKey()
                  + " routes to no queue; "
                  + unroutable
                  + " left in "
                  + topology.deadLetterQueue());
        }
        ch.basicAck(r.getEnvelope().getDeliveryTag(), false);
        replayed.add(describe(r));
      }
    }
    return new Outcome(replayed, missing(ids, found), null);
  }

  /** Deletes the named messages for good (looking at most at {@code limit}). */
  public Outcome drop(Set<String> ids, int limit) throws Exception {
    Set<String> found = new LinkedHashSet<>();
    List<Parked> dropped = new ArrayList<>();
    try (Channel ch = channel()) {
      for (GetResponse r : take(ch, ids, false, limit, found)) {
        ch.basicAck(r.getEnvelope().getDeliveryTag(), false);
        dropped.add(describe(r));
      }
    }
    return new Outcome(dropped, missing(ids, found), null);
  }

  private Channel channel() throws IOException {
    return connection.createChannel();
  }

  /**
   * Gets up to {@code limit} messages of the DLQ without acking them and returns those named by
   * {@code ids} (every one when {@code all}), adding the ids it met to {@code found}. What the
   * caller does not ack goes back to the DLQ when the channel closes.
   */
  private List<GetResponse> take(
      Channel ch, Set<String> ids, boolean all, int limit, Set<String> found) throws IOException {
    List<GetResponse> taken = new ArrayList<>();
    // Until the queue answers empty, not up to its message count: messages another channel just
    // gave back may not be counted yet.
    for (int n = 0; n < limit; n++) {
      GetResponse r = ch.basicGet(topology.deadLetterQueue(), false);
      if (r == null) {
        break;
      }
      String match = matches(r, ids);
      if (match != null) {
        found.add(match);
      }
      if (all || match != null) {
        taken.add(r);
      }
    }
    return taken;
  }

  private static Set<String> missing(Set<String> ids, Set<String> found) {
    Set<String> missing = new LinkedHashSet<>(ids);
    missing.removeAll(found);
    return missing;
  }

  private static String matches(GetResponse r, Set<String> ids) {
    String messageId = r.getProps().getMessageId();
    if (messageId != null && ids.contains(messageId)) {
      return messageId;
    }
    String delivery = header(r.getProps(), MessageProperties.DELIVERY_ID_HEADER);
    return delivery != null && ids.contains(delivery) ? delivery : null;
  }

  /** The same message, starting over: attempt 1, no reason, no broker death records. */
  public static AMQP.BasicProperties fresh(AMQP.BasicProperties props) {
    Map<String, Object> headers =
        props.getHeaders() == null ? new HashMap<>() : new HashMap<>(props.getHeaders());
    Object reason = headers.remove(MessageProperties.PARK_REASON_HEADER);
    DEATH_HEADERS.forEach(headers::remove);
    headers.put(MessageProperties.ATTEMPTS_HEADER, 1);
    headers.put("x-solstice-replayed-at", Instant.now().toString());
    if (reason != null) {
      headers.put("x-solstice-replayed-after", reason.toString());
    }
    return props.builder().headers(headers).deliveryMode(MessageProperties.PERSISTENT).build();
  }

  public static Parked describe(GetResponse r) {
    AMQP.BasicProperties p = r.getProps();
    String reason = header(p, MessageProperties.PARK_REASON_HEADER);
    if (reason == null) {
      reason = deathReason(p);
    }
    return new Parked(
        p.getMessageId(),
        header(p, MessageProperties.DELIVERY_ID_HEADER),
        p.getType(),
        String.valueOf(header(p, MessageProperties.ATTEMPTS_HEADER)),
        p.getTimestamp() == null ? null : p.getTimestamp().toInstant(),
        // Issue 13: a reason quoting a JobRequest must not show its job token.
        reason == null ? null : redact(reason));
  }

  private static String redact(String text) {
    return text == null ? null : JobTokens.redact(text);
  }

  private static String deathReason(AMQP.BasicProperties p) {
    Object deaths = p.getHeaders() == null ? null : p.getHeaders().get("x-death");
    if (deaths instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map<?, ?> d) {
      return "broker: " + d.get("reason") + " from " + d.get("queue");
    }
    return null;
  }

  private static String header(AMQP.BasicProperties p, String name) {
    Object v = p.getHeaders() == null ? null : p.getHeaders().get(name);
    return v == null ? null : text(v);
  }

  private static String text(Object v) {
    return v instanceof byte[] b
        ? new String(b, StandardCharsets.UTF_8)
        : v instanceof com.rabbitmq.client.LongString s ? s.toString() : String.valueOf(v);
  }
}
