package dev.solstice.platform.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.solstice.jobrequest.amqp.QueueTopology;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Several broker addresses and quorum queues against the machine's one RabbitMQ (a single node
 * serves quorum queues too); the three-node cluster is in the service's {@code RabbitClusterIT}.
 */
class BrokerAddressesIT {

  private final QueueTopology flow =
      new QueueTopology(
              "solstice.quorum",
              "quorum.v1",
              "solstice.quorum.v1",
              "solstice.quorum.dlx",
              "solstice.quorum.v1.dlq",
              true)
          .isolated(".t-" + UUID.randomUUID().toString().substring(0, 8));
  private final List<String> queues = new ArrayList<>();
  private Connection admin;
  private Channel channel;

  @BeforeEach
  void connect() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(SettlingConsumerIT.URL);
    admin = factory.newConnection("broker-addresses IT admin");
    channel = admin.createChannel();
  }

  @AfterEach
  void cleanUp() throws Exception {
    Channel ch = admin.createChannel();
    for (String q : queues) {
      ch.queueDelete(q);
    }
    ch.exchangeDelete(flow.exchange());
    ch.exchangeDelete(flow.deadLetterExchange());
    admin.close();
  }

  @Test
  void connectsToWhicheverListedNodeAnswers() {
    URI live = URI.create(SettlingConsumerIT.URL);
    // Port 1 refuses at once: the client moves on to the next address of the list, whichever
    // order it shuffled them into.
    String url =
        "amqp://guest:guest@127.0.0.1:1"
            + live.getRawPath()
            + ",127.0.0.1:"
            + live.getPort()
            + ",amqp://guest:guest@127.0.0.1:2"
            + live.getRawPath();
    try (AmqpConnector connector =
        new AmqpConnector(
            BrokerAddresses.parse(url), "broker-addresses IT", MessageTracing.off())) {
      connector.start();

      await().atMost(Duration.ofSeconds(30)).until(connector::isOpen);
    }
  }

  @Test
  void declaresEveryQueueOfAFlowAsAQuorumQueue() throws Exception {
    QueueTopology cancels = QueueTopology.cancelsOf(flow);
    Topology.declare(channel, flow);
    Topology.declare(channel, cancels);
    Duration delay = Duration.ofMillis(200);
    String delayQueue = Topology.declareDelay(channel, flow, delay);
    Map<String, Map<String, Object>> declared = new LinkedHashMap<>();
    declared.put(flow.queue(), flow.queueArguments());
    declared.put(flow.deadLetterQueue(), flow.deadLetterQueueArguments());
    declared.put(cancels.queue(), cancels.queueArguments());
    declared.put(cancels.deadLetterQueue(), cancels.deadLetterQueueArguments());
    declared.put(delayQueue, Topology.delayArguments(flow, delay));
    queues.addAll(declared.keySet());

    declared.forEach(
        (queue, args) -> {
          assertThat(args).as(queue).containsEntry("x-queue-type", "quorum");
          assertThat(redeclaredAs(queue, args, "quorum")).as(queue).isTrue();
          assertThat(redeclaredAs(queue, args, "classic")).as(queue).isFalse();
        });
  }

  @Test
  void quorumDelayQueueReturnsMessagesAndRejectsDeadLetter() throws Exception {
    Topology.declare(channel, flow);
    String delay = Topology.declareDelay(channel, flow, Duration.ofMillis(200));
    queues.addAll(List.of(flow.queue(), flow.deadLetterQueue(), delay));

    channel.basicPublish(
        "", delay, new AMQP.BasicProperties.Builder().deliveryMode(2).build(), bytes("later"));
    GetResponse back =
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> channel.basicGet(flow.queue(), false), r -> r != null);
    assertThat(new String(back.getBody(), StandardCharsets.UTF_8)).isEqualTo("later");

    channel.basicReject(back.getEnvelope().getDeliveryTag(), false);
    GetResponse parked =
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> channel.basicGet(flow.deadLetterQueue(), true), r -> r != null);
    assertThat(new String(parked.getBody(), StandardCharsets.UTF_8)).isEqualTo("later");
  }

  /**
   * Whether the broker accepts the queue's own arguments with {@code x-queue-type} set to {@code
   * type}: it refuses a redeclaration with another type (406), so only the real type passes.
   */
  private boolean redeclaredAs(String queue, Map<String, Object> args, String type) {
    Map<String, Object> with = new HashMap<>(args);
    with.put("x-queue-type", type);
    try {
      Channel ch = admin.createChannel();
      ch.queueDeclare(queue, true, false, false, with);
      ch.close();
      return true;
    } catch (IOException | java.util.concurrent.TimeoutException e) {
      assertThat(e.getCause()).hasMessageContaining("x-queue-type");
      return false;
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aClassicRedeclarationOfAQuorumQueueIsRefused() throws Exception {
    Topology.declare(channel, flow);
    queues.addAll(List.of(flow.queue(), flow.deadLetterQueue()));

    Channel ch = admin.createChannel();
    assertThatThrownBy(
            () ->
                ch.queueDeclare(
                    flow.queue(), true, false, false, flow.withQuorum(false).queueArguments()))
        .isInstanceOf(IOException.class);
  }
}
