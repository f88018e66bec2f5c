package dev.solstice.integration.testing;

import dev.solstice.integration.IntegrationService;
import dev.solstice.integration.config.AppConfig;
import dev.solstice.integration.webhook.SignatureVerifier;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The service started in-process against the real broker, with every queue and exchange name made
 * unique to the test, on a free port, and a client that signs and posts webhooks to it.
 */
public final class ServiceHarness implements AutoCloseable {

  public static final String SECRET = "test-webhook-secret-" + UUID.randomUUID();

  private final Vertx vertx;
  private final TestBroker broker;
  private final AppConfig config;
  private final IntegrationService service;
  private final WebClient client;
  private final PrometheusMeterRegistry registry;

  private ServiceHarness(
      Vertx vertx,
      TestBroker broker,
      AppConfig config,
      IntegrationService service,
      PrometheusMeterRegistry registry) {
    this.vertx = vertx;
    this.broker = broker;
    this.config = config;
    this.service = service;
    this.registry = registry;
    this.client = WebClient.create(vertx);
  }

  /** Environment of an isolated service; {@code overrides} win. */
  public static Map<String, String> isolatedEnv(Map<String, String> overrides) {
    String s = TestBroker.uniqueSuffix();
    Map<String, String> env = new HashMap<>();
    env.put("HTTP_ADDR", "127.0.0.1:0");
    env.put("MANAGEMENT_ADDR", "127.0.0.1:0");
    env.put("GITHUB_WEBHOOK_SECRET", SECRET);
    env.put("AMQP_URL", TestBroker.URL);
    env.put("AMQP_EXCHANGE", "solstice.jobs" + s);
    env.put("AMQP_QUEUE", "solstice.jobs.v1" + s);
    env.put("AMQP_DLX", "solstice.dlx" + s);
    env.put("AMQP_DLQ", "solstice.jobs.v1.dlq" + s);
    env.put("AMQP_RESULTS_EXCHANGE", "solstice.results" + s);
    env.put("AMQP_RESULTS_QUEUE", "solstice.results.v1" + s);
    env.put("AMQP_RESULTS_DLQ", "solstice.results.v1.dlq" + s);
    env.put("AMQP_INTAKE_EXCHANGE", "solstice.webhooks" + s);
    env.put("AMQP_INTAKE_QUEUE", "solstice.webhooks.v1" + s);
    env.put("AMQP_INTAKE_DLQ", "solstice.webhooks.v1.dlq" + s);
    env.put("INTAKE_RETRY_DELAYS", "200ms,400ms");
    env.put("INTAKE_MAX_ATTEMPTS", "3");
    env.putAll(overrides);
    return env;
  }

  public static ServiceHarness start(Vertx vertx, Map<String, String> env) throws Exception {
    AppConfig config = AppConfig.fromEnv(env, List.of());
    TestBroker broker = new TestBroker();
    broker.trackAll(config);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    var started = IntegrationService.start(vertx, config, registry, Clock.systemUTC());
    IntegrationService service;
    try {
      service = started.toCompletionStage().toCompletableFuture().get();
    } catch (Exception e) {
      broker.close(); // the connector may have declared the flows before the failure
      throw e;
    }
    ServiceHarness harness = new ServiceHarness(vertx, broker, config, service, registry);
    try {
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(service::isReady);
    } catch (RuntimeException e) {
      harness.close();
      throw e;
    }
    return harness;
  }

  public HttpResponse<Buffer> post(String event, String deliveryId, byte[] body) throws Exception {
    return post(event, deliveryId, body, SignatureVerifier.sign(SECRET, body), "application/json");
  }

  public HttpResponse<Buffer> post(
      String event, String deliveryId, byte[] body, String signature, String contentType)
      throws Exception {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    if (event != null) {
      headers.add("X-GitHub-Event", event);
    }
    if (deliveryId != null) {
      headers.add("X-GitHub-Delivery", deliveryId);
    }
    if (signature != null) {
      headers.add("X-Hub-Signature-256", signature);
    }
    if (contentType != null) {
      headers.add("Content-Type", contentType);
    }
    return client
        .post(service.httpPort(), "127.0.0.1", config.webhookPath())
        .putHeaders(headers)
        .sendBuffer(Buffer.buffer(body))
        .toCompletionStage()
        .toCompletableFuture()
        .get();
  }

  /** A GET on the public (webhook) listener. */
  public HttpResponse<Buffer> get(String path) throws Exception {
    return get(service.httpPort(), path);
  }

  /** A GET on the management listener ({@code /metrics}, health). */
  public HttpResponse<Buffer> getManagement(String path) throws Exception {
    return get(service.managementPort(), path);
  }

  private HttpResponse<Buffer> get(int port, String path) throws Exception {
    return client
        .get(port, "127.0.0.1", path)
        .send()
        .toCompletionStage()
        .toCompletableFuture()
        .get();
  }

  public AppConfig config() {
    return config;
  }

  public TestBroker broker() {
    return broker;
  }

  public IntegrationService service() {
    return service;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public Vertx vertx() {
    return vertx;
  }

  @Override
  public void close() throws Exception {
    client.close();
    service.stop().toCompletionStage().toCompletableFuture().get();
    broker.close();
  }
}
