package dev.solstice.platform.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.solstice.jobrequest.amqp.QueueTopology;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Consuming and pausing against the machine's real RabbitMQ (isolated names per test). */
class QueueConsumerIT {

  private final QueueTopology flow =
      new QueueTopology(
              "solstice.consume",
              "consume.v1",
              "solstice.consume.v1",
              "solstice.consume.dlx",
              "solstice.consume.v1.dlq",
              false)
          .isolated(".t-" + UUID.randomUUID().toString().substring(0, 8));
  private Vertx vertx;
  private Connection admin;
  private Channel channel;
  private AmqpConnector connector;

  @BeforeEach
  void connect() throws Exception {
    vertx = Vertx.vertx();
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(SettlingConsumerIT.URL);
    admin = factory.newConnection("queue-consumer IT admin");
    channel = admin.createChannel();
    connector = new AmqpConnector(URI.create(SettlingConsumerIT.URL), "queue-consumer IT");
    connector.start();
  }

  @AfterEach
  void cleanUp() throws Exception {
    connector.close();
    channel.queueDelete(flow.queue());
    channel.queueDelete(flow.deadLetterQueue());
    channel.exchangeDelete(flow.exchange());
    channel.exchangeDelete(flow.deadLetterExchange());
    admin.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void pausingAfterTheBrokerCancelledTheConsumerSucceeds() throws Exception {
    Context context = vertx.getOrCreateContext();
    QueueConsumer consumer = new QueueConsumer(context, connector, flow, 4, null, d -> {});
    await().atMost(Duration.ofSeconds(10)).until(consumer::isConsuming);

    // A test's cleanup (or an operator) deletes the queue: the broker cancels the consumer.
    channel.queueDelete(flow.queue());
    await().atMost(Duration.ofSeconds(10)).until(() -> !consumer.isConsuming());

    consumer.pause().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(consumer.isConsuming()).isFalse();
    consumer.close();
  }
}
