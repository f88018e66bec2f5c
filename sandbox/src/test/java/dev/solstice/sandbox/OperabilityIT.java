package dev.solstice.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.solstice.integration.testing.ServiceHarness;
import dev.solstice.integration.testing.TestBroker;
import dev.solstice.integration.webhook.SignatureVerifier;
import dev.solstice.simulator.github.RecordedWebhooks;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What operators watch: readiness follows the broker, and the documented metrics are exposed. */
class OperabilityIT {

  private Vertx vertx;
  private SandboxStack stack;
  private TestBroker broker;
  private WebClient http;

  @BeforeEach
  void start() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    vertx =
        Vertx.builder()
            .with(
                new VertxOptions()
                    .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
            .withMetrics(new MicrometerMetricsFactory(registry))
            .build();
    Map<String, String> env = ServiceHarness.isolatedEnv(Map.of());
    stack = SandboxStack.start(vertx, env, Files.createTempDirectory("solstice-ops"), registry);
    broker = new TestBroker();
    broker.trackAll(stack.config());
    http = WebClient.create(vertx);
    await().atMost(Duration.ofSeconds(20)).until(stack.service()::isReady);
  }

  @AfterEach
  void stop() throws Exception {
    http.close();
    stack.close();
    broker.close();
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  private HttpResponse<Buffer> get(String path) throws Exception {
    return get(stack.service().httpPort(), path);
  }

  /** On the management listener (MANAGEMENT_ADDR): /metrics and health. */
  private HttpResponse<Buffer> getManagement(String path) throws Exception {
    return get(stack.service().managementPort(), path);
  }

  private HttpResponse<Buffer> get(int port, String path) throws Exception {
    return http.get(port, "127.0.0.1", path).send().toCompletionStage().toCompletableFuture().get();
  }

  private int post(String event, byte[] body, String signature) throws Exception {
    return http.post(stack.service().httpPort(), "127.0.0.1", "/webhooks/github")
        .putHeader("Content-Type", "application/json")
        .putHeader("X-GitHub-Event", event)
        .putHeader("X-GitHub-Delivery", UUID.randomUUID().toString())
        .putHeader("X-Hub-Signature-256", signature)
        .sendBuffer(Buffer.buffer(body))
        .toCompletionStage()
        .toCompletableFuture()
        .get()
        .statusCode();
  }

  @Test
  void readinessGoesDownWhenTheBrokerConnectionIsLostAndBackWhenItRecovers() throws Exception {
    HttpResponse<Buffer> ready = get("/health/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.bodyAsJsonObject().getJsonArray("checks"))
        .extracting(c -> ((JsonObject) c).getString("id"))
        .contains("amqp-connection", "amqp-publisher", "intake-consumer", "results-consumer");
    assertThat(get("/health/live").statusCode()).isEqualTo(200);

    closeServiceConnection(stack.service().connectionName());

    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> get("/health/ready").statusCode() == 503);
    await().atMost(Duration.ofSeconds(30)).until(() -> get("/health/ready").statusCode() == 200);
    assertThat(get("/health").statusCode()).isEqualTo(200);
    // And it works again without a restart.
    byte[] body = RecordedWebhooks.payload("push.json");
    assertThat(post("push", body, SignatureVerifier.sign(ServiceHarness.SECRET, body)))
        .isEqualTo(202);
  }

  @Test
  void metricsExposeTheDocumentedNamesAfterADelivery() throws Exception {
    stack.startOrchestrator();
    byte[] body = RecordedWebhooks.payload("push.json");
    assertThat(post("push", body, SignatureVerifier.sign(ServiceHarness.SECRET, body)))
        .isEqualTo(202);
    assertThat(post("push", body, "sha256=" + "0".repeat(64))).isEqualTo(401);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                stack.github().checkRuns(SandboxStack.REPO).stream()
                        .filter(r -> "completed".equals(r.getString("status")))
                        .count()
                    == 3);

    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              String metrics = getManagement("/metrics").bodyAsString();
              assertThat(metrics)
                  .contains("solstice_webhooks_received_total{event=\"push\"}")
                  .contains("solstice_webhooks_accepted_total{event=\"push\"}")
                  .contains(
                      "solstice_webhooks_processed_total{event=\"push\",outcome=\"published\"}")
                  .contains("solstice_webhook_signature_failures_total")
                  .contains("solstice_jobrequests_published_total 3.0")
                  .contains("solstice_publish_confirm_seconds_count")
                  .contains(
                      "solstice_queue_depth{queue=\"" + stack.config().intake().queue() + "\"}")
                  .contains("solstice_results_consumed_total{outcome=\"reported\"}")
                  .contains("solstice_checkrun_updates_total{outcome=\"completed\"}")
                  .contains("github_requests_total{route=")
                  .contains("github_ratelimit_remaining{installation=\"1\"}")
                  .contains("github_token_mints_total")
                  .contains("jvm_memory_used_bytes")
                  .contains("vertx_http_server_requests_total");
            });
  }

  private static void closeServiceConnection(String connectionName) throws Exception {
    Process list =
        new ProcessBuilder("rabbitmqctl", "-q", "list_connections", "pid", "client_properties")
            .redirectErrorStream(true)
            .start();
    String pid = null;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(list.getInputStream()))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.contains(connectionName)) {
          pid = line.substring(0, line.indexOf('\t'));
        }
      }
    }
    list.waitFor();
    assertThat(pid).as("the service's connection in rabbitmqctl list_connections").isNotNull();
    Process close =
        new ProcessBuilder("rabbitmqctl", "-q", "close_connection", pid, "readiness test")
            .redirectErrorStream(true)
            .start();
    assertThat(close.waitFor()).isZero();
  }
}
