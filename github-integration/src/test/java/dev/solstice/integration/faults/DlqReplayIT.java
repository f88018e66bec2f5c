package dev.solstice.integration.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import dev.solstice.integration.cli.DlqCommand;
import dev.solstice.integration.core.RequestIds;
import dev.solstice.integration.github.CapturedLogs;
import dev.solstice.integration.testing.ServiceHarness;
import dev.solstice.integration.testing.VertxPerClass;
import dev.solstice.jobrequest.amqp.MessageProperties;
import dev.solstice.simulator.github.RecordedWebhooks;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator's DLQ command against the real broker: a delivery parked after its last attempt is
 * listed with its reason (and stays parked), replayed into the intake queue, where the running
 * service turns it into its JobRequest; another is dropped.
 */
class DlqReplayIT extends VertxPerClass {

  @RegisterExtension static final CapturedLogs LOGS = new CapturedLogs();

  @BeforeAll
  static void secrets() {
    LOGS.secret(ServiceHarness.SECRET);
  }

  private record Run(int status, String out, String err) {}

  private static Run dlq(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        DlqCommand.run(
            List.of(args),
            env,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static void park(ServiceHarness h, String deliveryId, String reason) throws Exception {
    Map<String, Object> headers = new HashMap<>();
    headers.put(MessageProperties.DELIVERY_ID_HEADER, deliveryId);
    headers.put("x-github-event", "push");
    headers.put("x-solstice-received-at", Instant.now().toString());
    headers.put(MessageProperties.ATTEMPTS_HEADER, 8);
    headers.put(MessageProperties.PARK_REASON_HEADER, reason);
    AMQP.BasicProperties props =
        new AMQP.BasicProperties.Builder()
            .contentType("application/json")
            .deliveryMode(2)
            .messageId(deliveryId)
            .type("webhook.push")
            .headers(headers)
            .build();
    h.broker()
        .channel()
        .basicPublish(
            h.config().intake().deadLetterExchange(),
            h.config().intake().routingKey(),
            props,
            RecordedWebhooks.payload("push.json"));
  }

  @Test
  void listReplayAndDropParkedDeliveries() throws Exception {
    Map<String, String> env = ServiceHarness.isolatedEnv(Map.of());
    try (ServiceHarness h = ServiceHarness.start(vertx, env)) {
      FaultSupport.track(h.broker(), h.config());
      String dlqName = h.config().intake().deadLetterQueue();
      String replayed = UUID.randomUUID().toString();
      String dropped = UUID.randomUUID().toString();
      park(
          h,
          replayed,
          "Transient: GitHub GET /repos/{owner}/{repo}/contents/{path} failed: HTTP 502");
      park(h, dropped, "NotFound: installation 42");
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> h.broker().count(dlqName) == 2);

      Run list = dlq(env, "list");
      assertThat(list.status()).isZero();
      assertThat(list.out())
          .contains("2 parked in " + dlqName)
          .contains(replayed)
          .contains(dropped)
          .contains("HTTP 502")
          .contains("NotFound: installation 42");
      assertThat(h.broker().count(dlqName)).as("list removes nothing").isEqualTo(2);

      Run inspect = dlq(env, "inspect", "--id", replayed);
      assertThat(inspect.status()).as(inspect.err()).isZero();
      assertThat(inspect.out())
          .contains(MessageProperties.PARK_REASON_HEADER + ": Transient: GitHub GET")
          .contains("\"ref\"");
      assertThat(h.broker().count(dlqName)).as("inspect removes nothing").isEqualTo(2);

      Run replay = dlq(env, "replay", "--id", replayed);
      assertThat(replay.status()).as(replay.err()).isZero();
      assertThat(replay.out()).contains("1 replayed to " + h.config().intake().queue());
      JobTally tally =
          JobTally.settleAndDrain(
              h.broker(),
              h.config().jobs().queue(),
              FaultSupport.intakeQueues(h.config()),
              Set.of(RequestIds.of(replayed, RequestIds.DEFAULT_JOB)),
              Duration.ofSeconds(30));
      assertThat(tally.distinct()).isEqualTo(1);
      assertThat(tally.duplicates()).isZero();

      Run drop = dlq(env, "drop", "--id", dropped);
      assertThat(drop.status()).isZero();
      assertThat(h.broker().count(dlqName)).isZero();

      Run missing = dlq(env, "replay", "--id", "no-such-delivery");
      assertThat(missing.status()).isEqualTo(1);
      assertThat(missing.err()).contains("not found");
      assertThat(dlq(env, "frobnicate").status()).isEqualTo(2);
      assertThat(dlq(env, "replay").status()).as("replay needs --id or --all").isEqualTo(2);
      GetResponse none = h.broker().get(dlqName);
      assertThat(none).isNull();
    }
  }
}
