package dev.solstice.integration.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command line of {@code dlq}: every case here stops before connecting to a broker. */
class DlqCommandTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return DlqCommand.run(
        List.of(args),
        Map.of(),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void helpPrintsTheUsageAndSucceeds() {
    assertThat(run("--help")).isZero();
    assertThat(out())
        .contains(
            "usage: java -jar github-integration.jar dlq", "list", "replay", "drop", "--flow");
    assertThat(run("replay", "-h")).isZero();
  }

  @Test
  void noCommandPrintsTheUsageAsAnError() {
    assertThat(run()).isEqualTo(2);
    assertThat(err()).contains("usage:");
    assertThat(out()).isEmpty();
  }

  @Test
  void unknownCommandAndUnknownOptionAreNamed() {
    assertThat(run("purge")).isEqualTo(2);
    assertThat(err()).startsWith("purge: unknown command").contains("usage:");
    err.reset();
    assertThat(run("list", "--bogus")).isEqualTo(2);
    assertThat(err()).startsWith("--bogus: unknown option").contains("usage:");
  }

  @Test
  void optionWithoutItsValueIsNamed() {
    assertThat(run("list", "--flow")).isEqualTo(2);
    assertThat(err()).startsWith("--flow: needs a value");
  }

  @Test
  void badValuesAreRefusedBeforeConnecting() {
    assertThat(run("list", "--limit", "lots")).isEqualTo(2);
    assertThat(err()).contains("--limit: expected a number, got lots");
    err.reset();
    assertThat(run("list", "--flow=nowhere")).isEqualTo(2);
    assertThat(err()).contains("--flow: expected intake, results or jobs, got nowhere");
    err.reset();
    assertThat(run("list", "--flow", "@nowhere")).isEqualTo(2);
    assertThat(err()).contains("got @nowhere");
  }

  @Test
  void replayAndDropNeedMessagesNamed() {
    assertThat(run("replay", "--flow", "results")).isEqualTo(2);
    assertThat(err()).contains("replay: name messages with --id, or pass --all");
    err.reset();
    assertThat(run("drop", "--all")).isEqualTo(2);
    assertThat(err()).contains("drop: name messages with --id");
    err.reset();
    assertThat(run("inspect")).isEqualTo(2);
    assertThat(err()).contains("inspect: name messages with --id");
  }

  @Test
  void aBadBrokerUrlIsNamedWithoutItsPassword() {
    int status =
        DlqCommand.run(
            List.of("list"),
            Map.of("AMQP_URL", "http://u:hunter2@mq"),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(status).isEqualTo(2);
    assertThat(err()).startsWith("AMQP_URL: ").doesNotContain("hunter2");
  }

  @Test
  void listingAParkedJobRequestNeverShowsItsJobToken() {
    String token = "sjt_" + "k".repeat(43);
    String reason = "Rejected: {\"request_id\":\"x\",\"github\":{\"token\":\"" + token + "\"}}";
    com.rabbitmq.client.AMQP.BasicProperties props =
        new com.rabbitmq.client.AMQP.BasicProperties.Builder()
            .messageId("m-1")
            .headers(
                Map.of(dev.solstice.jobrequest.amqp.MessageProperties.PARK_REASON_HEADER, reason))
            .build();
    String line =
        DlqCommand.describe(
            new com.rabbitmq.client.GetResponse(
                new com.rabbitmq.client.Envelope(1, false, "x", "k"), props, new byte[0], 0));
    assertThat(line).contains("m-1").contains("sjt_***").doesNotContain(token);
  }
}
