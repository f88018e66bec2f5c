package dev.solstice.integration.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.solstice.integration.config.Help;
import dev.solstice.integration.testing.BoundPort;
import dev.solstice.integration.testing.ServiceHarness;
import dev.solstice.integration.testing.ServiceProcess;
import dev.solstice.integration.testing.TestBroker;
import dev.solstice.integration.webhook.SignatureVerifier;
import dev.solstice.platform.config.Variable;
import dev.solstice.simulator.github.RecordedWebhooks;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The runnable jar as operators run it: configuration errors, --help, JSON logs, SIGTERM. */
class MainIT {

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void configurationErrorsNameEachVariableAndExitNonZero() throws Exception {
    try (ServiceProcess p =
        ServiceProcess.start(Map.of("HTTP_ADDR", "0.0.0.0:80a", "AMQP_CONFIRM_TIMEOUT", "soon"))) {
      assertThat(p.waitFor(Duration.ofSeconds(30))).isEqualTo(2);
      assertThat(p.output())
          .contains("HTTP_ADDR: expected host:port")
          .contains("AMQP_CONFIRM_TIMEOUT: expected a duration")
          .contains("GITHUB_WEBHOOK_SECRET: not set")
          .contains("ALLOW_UNSIGNED_WEBHOOKS");
    }
  }

  @Test
  void helpListsEveryVariable() throws Exception {
    try (ServiceProcess p = ServiceProcess.start(Map.of(), "--help")) {
      assertThat(p.waitFor(Duration.ofSeconds(30))).isZero();
      String out = p.output();
      for (Variable v : Help.VARIABLES) {
        assertThat(out).contains(v.name());
      }
    }
  }

  @Test
  void logsOneJsonObjectPerLineCarryingTheDeliveryAndStopsGracefullyOnSigterm() throws Exception {
    Map<String, String> env = new HashMap<>(ServiceHarness.isolatedEnv(Map.of()));
    env.put("HTTP_ADDR", BoundPort.ANY_LOOPBACK);
    try (TestBroker broker = new TestBroker();
        ServiceProcess p = ServiceProcess.start(env)) {
      int port = p.awaitPort(Duration.ofSeconds(60));
      broker.track(
          new dev.solstice.jobrequest.amqp.QueueTopology(
              env.get("AMQP_EXCHANGE"),
              "jobrequest.v1",
              env.get("AMQP_QUEUE"),
              env.get("AMQP_DLX"),
              env.get("AMQP_DLQ"),
              false));
      broker.track(
          new dev.solstice.jobrequest.amqp.QueueTopology(
              env.get("AMQP_INTAKE_EXCHANGE"),
              "webhook.v1",
              env.get("AMQP_INTAKE_QUEUE"),
              env.get("AMQP_DLX"),
              env.get("AMQP_INTAKE_DLQ"),
              false));
      for (String d : List.of("200ms", "400ms")) {
        broker.trackQueue(env.get("AMQP_INTAKE_QUEUE") + ".retry." + d.replace("ms", "") + "ms");
      }
      URI base = URI.create("http://127.0.0.1:" + port);
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(
              () ->
                  http.send(
                              HttpRequest.newBuilder(base.resolve("/health/ready")).build(),
                              HttpResponse.BodyHandlers.ofString())
                          .statusCode()
                      == 200);

      String delivery = UUID.randomUUID().toString();
      byte[] body = RecordedWebhooks.payload("push.json");
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(base.resolve("/webhooks/github"))
                  .header("Content-Type", "application/json")
                  .header("X-GitHub-Event", "push")
                  .header("X-GitHub-Delivery", delivery)
                  .header(
                      "X-Hub-Signature-256", SignatureVerifier.sign(ServiceHarness.SECRET, body))
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(202);
      await().atMost(Duration.ofSeconds(20)).until(() -> broker.count(env.get("AMQP_QUEUE")) == 1);

      p.terminate();
      assertThat(p.waitFor(Duration.ofSeconds(30))).as("exit code after SIGTERM").isIn(0, 143);

      List<JsonNode> lines = new ArrayList<>();
      for (String line : p.lines()) {
        lines.add(json.readTree(line)); // every line is one JSON object
      }
      assertThat(lines)
          .isNotEmpty()
          .allSatisfy(l -> assertThat(l.has("level") && l.has("message")).isTrue());
      assertThat(lines)
          .anySatisfy(
              l -> {
                assertThat(l.path("message").asText()).startsWith("delivery processed");
                assertThat(l.path("delivery_id").asText()).isEqualTo(delivery);
                assertThat(l.path("event").asText()).isEqualTo("push");
              });
      assertThat(lines).anySatisfy(l -> assertThat(l.path("message").asText()).contains("SIGTERM"));
      assertThat(p.output()).doesNotContain(ServiceHarness.SECRET);
    }
  }
}
