package dev.solstice.platform.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.solstice.jobrequest.amqp.MessageProperties;
import dev.solstice.jobrequest.amqp.QueueTopology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The one way a message is settled, against the machine's real RabbitMQ (isolated names per test).
 */
class SettlingConsumerIT {

  static final String URL =
      System.getenv().getOrDefault("AMQP_TEST_URL", "amqp://guest:guest@127.0.0.1:5672/%2f");
  private static final FailurePolicy ALL_RETRYABLE =
      e ->
          new FailurePolicy.Verdict(
              true, Optional.empty(), e.getClass().getSimpleName() + ": " + e.getMessage());

  private final QueueTopology flow =
      new QueueTopology(
              "solstice.settle",
              "settle.v1",
              "solstice.settle.v1",
              "solstice.settle.dlx",
              "solstice.settle.v1.dlq",
              false)
          .isolated(".t-" + UUID.randomUUID().toString().substring(0, 8));
  private final RetrySchedule schedule =
      new RetrySchedule(List.of(Duration.ofMillis(100), Duration.ofMillis(200)), 3);
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final List<Long> rescheduleWaits = new CopyOnWriteArrayList<>();
  private Vertx vertx;
  private Connection admin;
  private Channel channel;
  private AmqpConnector connector;
  private ConfirmingPublisher publisher;

  @BeforeEach
  void connect() throws Exception {
    vertx = Vertx.vertx();
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(URL);
    admin = factory.newConnection("settling-consumer IT admin");
    channel = admin.createChannel();
    connector = new AmqpConnector(URI.create(URL), "settling-consumer IT");
    publisher =
        new ConfirmingPublisher(
            vertx,
            connector,
            Duration.ofSeconds(5),
            List.of(flow),
            "it",
            new SimpleMeterRegistry());
  }

  @AfterEach
  void cleanUp() throws Exception {
    connector.close();
    publisher.close();
    for (String q : queues()) {
      channel.queueDelete(q);
    }
    channel.exchangeDelete(flow.exchange());
    channel.exchangeDelete(flow.deadLetterExchange());
    admin.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private List<String> queues() {
    List<String> queues = new ArrayList<>(List.of(flow.queue(), flow.deadLetterQueue()));
    schedule.delays().forEach(d -> queues.add(Topology.delayQueueName(flow, d)));
    return queues;
  }

  private SettlingConsumer start(Function<Delivery, Future<Void>> handler, FailurePolicy policy) {
    SettlingConsumer[] consumer = new SettlingConsumer[1];
    var context = vertx.getOrCreateContext();
    context.runOnContext(
        v ->
            consumer[0] =
                new SettlingConsumer(
                    context,
                    connector,
                    publisher,
                    flow,
                    schedule,
                    4,
                    handler,
                    policy,
                    new SettlingConsumer.Outcomes() {
                      @Override
                      public void acked(Delivery message) {
                        events.add("acked");
                      }

                      @Override
                      public void retrying(Delivery message, SettlingConsumer.Failure f) {
                        events.add(
                            "retrying " + f.attempt() + " after " + f.delay().toMillis() + "ms");
                      }

                      @Override
                      public void parking(Delivery message, SettlingConsumer.Failure f) {
                        events.add("parking " + f.attempt());
                      }

                      @Override
                      public void rescheduleFailed(
                          Delivery message,
                          SettlingConsumer.Failure f,
                          Throwable e,
                          Duration wait) {
                        rescheduleWaits.add(wait.toMillis());
                      }
                    }));
    connector.start();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> consumer[0] != null && consumer[0].isConsuming() && publisher.isReady());
    return consumer[0];
  }

  private void send(String body) throws Exception {
    channel.basicPublish(
        flow.exchange(),
        flow.routingKey(),
        new AMQP.BasicProperties.Builder()
            .messageId(UUID.randomUUID().toString())
            .deliveryMode(2)
            .build(),
        body.getBytes(StandardCharsets.UTF_8));
  }

  private long depth(String queue) throws Exception {
    return channel.messageCount(queue);
  }

  @Test
  void acksAMessageWhoseHandlerSucceeded() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    start(
        m -> {
          seen.add(new String(m.body(), StandardCharsets.UTF_8));
          return Future.succeededFuture();
        },
        ALL_RETRYABLE);

    send("one");

    await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("acked"));
    assertThat(seen).containsExactly("one");
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              assertThat(depth(flow.queue())).isZero();
              assertThat(depth(flow.deadLetterQueue())).isZero();
            });
  }

  @Test
  void retriesThroughTheDelayQueuesCountingAttemptsThenParksWithTheReason() throws Exception {
    List<String> attempts = new CopyOnWriteArrayList<>();
    start(
        m -> {
          attempts.add(String.valueOf(m.header(MessageProperties.ATTEMPTS_HEADER)));
          return Future.failedFuture(new IllegalStateException("downstream is down"));
        },
        ALL_RETRYABLE);

    send("doomed");

    await().atMost(Duration.ofSeconds(15)).until(() -> depth(flow.deadLetterQueue()) == 1);
    assertThat(attempts).containsExactly("null", "2", "3");
    assertThat(events)
        .containsExactly("retrying 1 after 100ms", "retrying 2 after 200ms", "parking 3");
    GetResponse parked = channel.basicGet(flow.deadLetterQueue(), true);
    Map<String, Object> headers = parked.getProps().getHeaders();
    assertThat(headers.get(MessageProperties.ATTEMPTS_HEADER)).isEqualTo(3);
    assertThat(headers.get(MessageProperties.PARK_REASON_HEADER).toString())
        .isEqualTo("IllegalStateException: downstream is down");
    assertThat(headers).doesNotContainKey("x-death");
    assertThat(new String(parked.getBody(), StandardCharsets.UTF_8)).isEqualTo("doomed");
    assertThat(depth(flow.queue())).isZero();
  }

  @Test
  void parksAtOnceWhatThePolicyCallsPermanentOrWhatCannotBeRead() throws Exception {
    start(
        m -> {
          String body = new String(m.body(), StandardCharsets.UTF_8);
          return Future.failedFuture(
              body.equals("garbage")
                  ? new UnreadableMessageException("not json", null)
                  : new IllegalArgumentException("permanent"));
        },
        e ->
            new FailurePolicy.Verdict(
                !(e instanceof IllegalArgumentException), Optional.empty(), e.getMessage()));

    send("garbage");
    send("bad request");

    await().atMost(Duration.ofSeconds(10)).until(() -> depth(flow.deadLetterQueue()) == 2);
    assertThat(events).containsExactly("parking 1", "parking 1");
    List<String> reasons = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      reasons.add(
          channel
              .basicGet(flow.deadLetterQueue(), true)
              .getProps()
              .getHeaders()
              .get(MessageProperties.PARK_REASON_HEADER)
              .toString());
    }
    assertThat(reasons).containsExactlyInAnyOrder("not json", "permanent");
  }

  @Test
  void waitsAtLeastTheMinimumDelayTheFailureAskedFor() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    start(
        m ->
            calls.incrementAndGet() == 1
                ? Future.failedFuture(new IllegalStateException("rate limited"))
                : Future.succeededFuture(),
        e -> new FailurePolicy.Verdict(true, Optional.of(Duration.ofMillis(150)), "rate limited"));

    send("later");

    await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("acked"));
    assertThat(events).containsExactly("retrying 1 after 200ms", "acked");
  }

  @Test
  void retriesOnlyTheRescheduleWhenTheBrokerWouldNotTakeIt() throws Exception {
    AtomicInteger handled = new AtomicInteger();
    start(
        m -> {
          handled.incrementAndGet();
          return Future.failedFuture(new IllegalStateException("downstream is down"));
        },
        ALL_RETRYABLE);
    // The first delay queue refuses messages: the retry copy is nacked (reject-publish overflow).
    String firstDelay = Topology.delayQueueName(flow, schedule.delays().get(0));
    channel.queuePurge(firstDelay);
    channel.queueDelete(firstDelay);
    Map<String, Object> args =
        new java.util.HashMap<>(Topology.delayArguments(flow, schedule.delays().get(0)));
    args.put("x-max-length", 0);
    args.put("x-overflow", "reject-publish");
    channel.queueDeclare(firstDelay, true, false, false, args);

    send("stuck");

    // The reschedule keeps failing and is tried again with a doubling wait, the handler not re-run.
    await().atMost(Duration.ofSeconds(10)).until(() -> rescheduleWaits.size() >= 3);
    assertThat(List.copyOf(rescheduleWaits).subList(0, 3)).containsExactly(100L, 200L, 400L);
    assertThat(events).containsExactly("retrying 1 after 100ms");
    assertThat(handled).hasValue(1);
    assertThat(depth(flow.queue())).isZero();
    channel.queueDelete(firstDelay);
    channel.queueDeclare(
        firstDelay, true, false, false, Topology.delayArguments(flow, schedule.delays().get(0)));

    await().atMost(Duration.ofSeconds(15)).until(() -> depth(flow.deadLetterQueue()) == 1);
    assertThat(events)
        .containsExactly("retrying 1 after 100ms", "retrying 2 after 200ms", "parking 3");
    assertThat(handled).hasValue(3);
  }
}
