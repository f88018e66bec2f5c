package dev.solstice.platform.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Publisher confirms and mandatory publishing against the real broker on 127.0.0.1:5672. */
class ConfirmingPublisherIT {

  private final String suffix = "-it-" + UUID.randomUUID().toString().substring(0, 8);
  private final String exchange = "solstice.publisher" + suffix;
  private final String queue = "solstice.publisher.q" + suffix;
  private Vertx vertx;
  private Connection admin;
  private Channel channel;
  private AmqpConnector connector;
  private ConfirmingPublisher publisher;

  @BeforeEach
  void connect() throws Exception {
    vertx = Vertx.vertx();
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(SettlingConsumerIT.URL);
    admin = factory.newConnection("confirming-publisher IT admin");
    channel = admin.createChannel();
    channel.exchangeDeclare(exchange, BuiltinExchangeType.DIRECT, false, true, null);
    channel.queueDeclare(queue, false, false, true, null);
    channel.queueBind(queue, exchange, "bound");
    connector = new AmqpConnector(URI.create(SettlingConsumerIT.URL), "confirming-publisher IT");
    publisher =
        new ConfirmingPublisher(
            vertx, connector, Duration.ofSeconds(10), List.of(), "it", new SimpleMeterRegistry());
    connector.start();
    await().atMost(Duration.ofSeconds(10)).until(publisher::isReady);
  }

  @AfterEach
  void disconnect() throws Exception {
    connector.close();
    publisher.close();
    channel.queueDelete(queue);
    channel.exchangeDelete(exchange);
    admin.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private static AMQP.BasicProperties properties() {
    return new AMQP.BasicProperties.Builder()
        .messageId(UUID.randomUUID().toString())
        .deliveryMode(2)
        .build();
  }

  @Test
  void publicationSucceedsOnceTheBrokerConfirmedAndTheMessageIsQueued() throws Exception {
    publisher
        .publish(exchange, "bound", properties(), "hello".getBytes(StandardCharsets.UTF_8))
        .await(10, TimeUnit.SECONDS);

    assertThat(new String(channel.basicGet(queue, true).getBody(), StandardCharsets.UTF_8))
        .isEqualTo("hello");
    assertThat(publisher.inFlight()).isZero();
  }

  @Test
  void unroutableMessageFailsInsteadOfVanishing() {
    assertThatThrownBy(
            () ->
                publisher
                    .publish(exchange, "nobody-listens", properties(), new byte[] {1})
                    .await(10, TimeUnit.SECONDS))
        .isInstanceOf(PublishException.class)
        .hasMessageContaining("unroutable")
        .hasMessageContaining("nobody-listens");
  }

  @Test
  void publicationFailsWhenTheConnectionIsGone() {
    connector.close();

    assertThatThrownBy(
            () ->
                publisher
                    .publish(exchange, "bound", properties(), new byte[] {1})
                    .await(10, TimeUnit.SECONDS))
        .isInstanceOf(PublishException.class);
  }

  @Test
  void manyPublishesFromSeveralContextsEachSettleOnTheirOwnContextAndUnroutableOnesStillFail()
      throws Exception {
    // Issue 18: publishes are batched on the publishing thread and one confirm frame may settle
    // many of them; every future must still end on its caller's context with its own outcome.
    int perContext = 200;
    List<io.vertx.core.Context> contexts =
        List.of(vertx.getOrCreateContext(), vertx.getOrCreateContext());
    java.util.Set<String> failedIds = java.util.concurrent.ConcurrentHashMap.newKeySet();
    java.util.Set<String> unroutableIds = java.util.concurrent.ConcurrentHashMap.newKeySet();
    java.util.concurrent.atomic.AtomicInteger ok = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger wrongContext =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.CountDownLatch done =
        new java.util.concurrent.CountDownLatch(perContext * contexts.size());
    for (io.vertx.core.Context context : contexts) {
      context.runOnContext(
          v -> {
            for (int i = 0; i < perContext; i++) {
              AMQP.BasicProperties props = properties();
              boolean unroutable = i % 10 == 7;
              if (unroutable) {
                unroutableIds.add(props.getMessageId());
              }
              publisher
                  .publish(exchange, unroutable ? "nobody-listens" : "bound", props, new byte[] {1})
                  .onComplete(
                      ar -> {
                        if (io.vertx.core.Vertx.currentContext() != context) {
                          wrongContext.incrementAndGet();
                        }
                        if (ar.succeeded()) {
                          ok.incrementAndGet();
                        } else {
                          failedIds.add(props.getMessageId());
                        }
                        done.countDown();
                      });
            }
          });
    }

    assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(wrongContext).hasValue(0);
    assertThat(failedIds).isEqualTo(unroutableIds);
    assertThat(ok).hasValue(perContext * contexts.size() - unroutableIds.size());
    assertThat(channel.queueDeclarePassive(queue).getMessageCount()).isEqualTo(ok.get());
    assertThat(publisher.inFlight()).isZero();
  }
}
