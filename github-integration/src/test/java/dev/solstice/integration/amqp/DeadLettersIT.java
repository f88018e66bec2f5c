package dev.solstice.integration.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.solstice.integration.testing.TestBroker;
import dev.solstice.jobrequest.amqp.MessageProperties;
import dev.solstice.jobrequest.amqp.QueueTopology;
import dev.solstice.platform.amqp.Topology;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dead-letter operations the {@code dlq} command and the console share, against the real broker
 * on a flow of this test's own: listing and inspecting leave every message parked, a replay is a
 * fresh message on the work queue and asking again finds nothing, a drop deletes only the one
 * named.
 */
class DeadLettersIT {

  private TestBroker broker;
  private Connection connection;
  private QueueTopology flow;
  private DeadLetters dlq;

  @BeforeEach
  void declare() throws Exception {
    broker = new TestBroker();
    flow = broker.track(QueueTopology.JOBS.isolated(TestBroker.uniqueSuffix()));
    Topology.declare(broker.channel(), flow);
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(TestBroker.URL);
    connection = factory.newConnection("dead-letters-it");
    dlq = new DeadLetters(connection, flow);
  }

  @AfterEach
  void close() throws Exception {
    connection.close();
    broker.close();
  }

  private void park(String deliveryId, String body) throws Exception {
    Map<String, Object> headers = new HashMap<>();
    headers.put(MessageProperties.DELIVERY_ID_HEADER, deliveryId);
    headers.put(MessageProperties.ATTEMPTS_HEADER, 8);
    headers.put(
        MessageProperties.PARK_REASON_HEADER,
        "GitHub answered 502 (token sjt_" + "k".repeat(43) + ")");
    broker
        .channel()
        .basicPublish(
            flow.deadLetterExchange(),
            flow.routingKey(),
            new AMQP.BasicProperties.Builder()
                .messageId("m-" + deliveryId)
                .type("webhook.push")
                .timestamp(new Date())
                .headers(headers)
                .build(),
            body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void listingAndInspectingLeaveEveryMessageParked() throws Exception {
    park("d-1", "{\"ref\":\"refs/heads/main\"}");
    park("d-2", "{\"token\":\"sjt_" + "q".repeat(43) + "\"}");
    org.awaitility.Awaitility.await().until(() -> broker.count(flow.deadLetterQueue()) == 2);

    DeadLetters.Listing listing = dlq.list(10);
    assertThat(listing.total()).isEqualTo(2);
    assertThat(listing.messages()).extracting(DeadLetters.Parked::id).containsExactly("d-1", "d-2");
    assertThat(listing.messages().get(0).attempts()).isEqualTo("8");
    assertThat(listing.messages().get(0).reason()).contains("sjt_***").doesNotContain("kkkk");

    DeadLetters.Inspected second = dlq.inspect("d-2", 10).orElseThrow();
    assertThat(second.parked().messageId()).isEqualTo("m-d-2");
    assertThat(second.headers())
        .containsEntry(MessageProperties.DELIVERY_ID_HEADER, "d-2")
        .containsKey(MessageProperties.PARK_REASON_HEADER);
    assertThat(second.body()).contains("sjt_***").doesNotContain("qqqq");
    assertThat(dlq.inspect("m-d-1", 10)).isPresent();
    assertThat(dlq.inspect("d-9", 10)).isEmpty();
    // What a closed channel gives back is requeued by the broker just after the close.
    org.awaitility.Awaitility.await().until(() -> broker.count(flow.deadLetterQueue()) == 2);
  }

  @Test
  void replayIsAFreshMessageAndAskingAgainFindsNothing() throws Exception {
    park("d-1", "{}");
    park("d-2", "{}");
    org.awaitility.Awaitility.await().until(() -> broker.count(flow.deadLetterQueue()) == 2);

    DeadLetters.Outcome replayed = dlq.replay(Set.of("d-2"), false, 100);
    assertThat(replayed.done()).extracting(DeadLetters.Parked::id).containsExactly("d-2");
    assertThat(replayed.missing()).isEmpty();
    assertThat(replayed.unroutable()).isNull();
    List<GetResponse> work = broker.drain(flow.queue());
    assertThat(work).hasSize(1);
    Map<String, Object> headers = work.get(0).getProps().getHeaders();
    assertThat(headers.get(MessageProperties.ATTEMPTS_HEADER)).isEqualTo(1);
    assertThat(headers).doesNotContainKey(MessageProperties.PARK_REASON_HEADER);
    assertThat(headers.get("x-solstice-replayed-after").toString()).contains("502");

    DeadLetters.Outcome again = dlq.replay(Set.of("d-2"), false, 100);
    assertThat(again.done()).isEmpty();
    assertThat(again.missing()).containsExactly("d-2");
    org.awaitility.Awaitility.await().until(() -> broker.count(flow.deadLetterQueue()) == 1);
  }

  @Test
  void dropDeletesOnlyTheOneNamed() throws Exception {
    park("d-1", "{}");
    park("d-2", "{}");
    org.awaitility.Awaitility.await().until(() -> broker.count(flow.deadLetterQueue()) == 2);

    DeadLetters.Outcome dropped = dlq.drop(Set.of("m-d-1"), 100);
    assertThat(dropped.done()).extracting(DeadLetters.Parked::messageId).containsExactly("m-d-1");
    assertThat(broker.count(flow.queue())).isZero();
    org.awaitility.Awaitility.await()
        .untilAsserted(
            () ->
                assertThat(dlq.list(10).messages())
                    .extracting(DeadLetters.Parked::id)
                    .containsExactly("d-2"));
    assertThat(dlq.drop(Set.of("m-d-1"), 100).missing()).containsExactly("m-d-1");
  }
}
