package dev.solstice.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.solstice.integration.testing.ServiceHarness;
import dev.solstice.integration.testing.TestBroker;
import dev.solstice.integration.webhook.SignatureVerifier;
import dev.solstice.simulator.github.RecordedWebhooks;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.context.SettableContextStorageProvider;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.WebClient;
import io.vertx.tracing.opentelemetry.VertxContextStorageProvider.VertxContextStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One trace from the webhook to the check run's completion, over the real RabbitMQ, the GitHub
 * simulator and the orchestrator stub: the service and the stub each trace to their own SDK (as two
 * processes would), both recording into the SDK's in-memory exporter, and the trace context crosses
 * the broker only in the messages' AMQP headers.
 */
class TraceIT {

  private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
  private static final AttributeKey<Long> STATUS =
      AttributeKey.longKey("http.response.status_code");
  private static final AttributeKey<Long> REMAINING =
      AttributeKey.longKey("github.rate_limit.remaining");
  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
  private static final String CHECK_RUN_UPDATE =
      "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}";

  private static Vertx vertx;
  private static Path workDir;
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private OpenTelemetrySdk serviceSdk;
  private OpenTelemetrySdk stubSdk;
  private SandboxStack stack;
  private TestBroker broker;
  private WebClient http;
  private String jobsTap;
  private String resultsTap;

  @BeforeAll
  static void vertx() throws Exception {
    // sdk-testing's storage provider wins when on the class path; make it the one production uses.
    SettableContextStorageProvider.setContextStorage(VertxContextStorage.INSTANCE);
    vertx = Vertx.vertx();
    workDir = Files.createTempDirectory("solstice-trace");
  }

  @AfterAll
  static void close() {
    vertx.close();
  }

  @BeforeEach
  void start() throws Exception {
    serviceSdk = sdk("github-integration");
    stubSdk = sdk("orchestrator-stub");
    Map<String, String> env =
        ServiceHarness.isolatedEnv(Map.of("RUNS_ON_DEFAULT", "fallback-label"));
    stack =
        SandboxStack.start(
            vertx, env, workDir, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), serviceSdk);
    broker = new TestBroker();
    broker.trackAll(stack.config());
    await().atMost(Duration.ofSeconds(20)).until(stack.service()::isReady);
    stack.startOrchestrator(stubSdk);
    jobsTap = tap(stack.config().jobs().exchange(), stack.config().jobs().routingKey());
    resultsTap = tap(stack.config().results().exchange(), stack.config().results().routingKey());
    http = WebClient.create(vertx);
  }

  /** A queue that receives a copy of every message published on the exchange with the key. */
  private String tap(String exchange, String routingKey) throws IOException {
    String q = broker.channel().queueDeclare("", false, true, true, null).getQueue();
    broker.channel().queueBind(q, exchange, routingKey);
    return q;
  }

  /** The W3C traceparent header of every message the tap received so far. */
  private List<String> traceparents(String tap) throws IOException {
    return broker.drain(tap).stream()
        .map(r -> r.getProps().getHeaders())
        .map(h -> h == null ? null : String.valueOf(h.get("traceparent")))
        .toList();
  }

  /** The traceparent a message published under {@code span} carries. */
  private static String traceparent(SpanData span) {
    return "00-"
        + span.getTraceId()
        + "-"
        + span.getSpanId()
        + "-"
        + span.getSpanContext().getTraceFlags().asHex();
  }

  private OpenTelemetrySdk sdk(String serviceName) {
    return OpenTelemetrySdk.builder()
        .setTracerProvider(
            SdkTracerProvider.builder()
                .setResource(Resource.create(Attributes.of(SERVICE_NAME, serviceName)))
                .addSpanProcessor(SimpleSpanProcessor.create(spans))
                .build())
        .build();
  }

  @AfterEach
  void stop() throws Exception {
    http.close();
    stack.close();
    broker.close();
    serviceSdk.close();
    stubSdk.close();
  }

  @Test
  void oneTraceRunsFromTheWebhookThroughTheJobToTheCheckRunCompletion() throws Exception {
    String delivery = UUID.randomUUID().toString();
    byte[] body = RecordedWebhooks.payload("push.json");
    int status =
        http.post(stack.service().httpPort(), "127.0.0.1", "/webhooks/github")
            .putHeader("Content-Type", "application/json")
            .putHeader("X-GitHub-Event", "push")
            .putHeader("X-GitHub-Delivery", delivery)
            .putHeader("X-Hub-Signature-256", SignatureVerifier.sign(ServiceHarness.SECRET, body))
            .sendBuffer(Buffer.buffer(body))
            .toCompletionStage()
            .toCompletableFuture()
            .get()
            .statusCode();
    assertThat(status).isEqualTo(202);

    // build's completed result: the stub's span of it, then the service's check-run update.
    await().atMost(Duration.ofSeconds(30)).until(() -> completionOf("build").isPresent());

    List<SpanData> all = spans.getFinishedSpanItems();
    SpanData webhook =
        one(
            all,
            s -> s.getKind() == SpanKind.SERVER && s.getName().equals("POST /webhooks/github"));
    assertThat(webhook.getParentSpanContext().isValid()).isFalse();
    assertThat(webhook.getAttributes().get(STATUS)).isEqualTo(202L);
    assertThat(webhook.getAttributes().get(AttributeKey.stringKey("github.delivery")))
        .isEqualTo(delivery);
    String traceId = webhook.getTraceId();
    List<SpanData> trace = all.stream().filter(s -> s.getTraceId().equals(traceId)).toList();

    // webhook → intake publish → intake delivery
    SpanData intakePublish =
        childOf(trace, webhook, "publish " + stack.config().intake().exchange());
    assertThat(intakePublish.getKind()).isEqualTo(SpanKind.PRODUCER);
    SpanData intake = childOf(trace, intakePublish, "process " + stack.config().intake().queue());
    assertThat(intake.getKind()).isEqualTo(SpanKind.CONSUMER);

    // the intake's GitHub calls, each with its route template, status and rate-limit budget
    List<SpanData> intakeCalls =
        trace.stream()
            .filter(s -> s.getKind() == SpanKind.CLIENT)
            .filter(s -> s.getParentSpanId().equals(intake.getSpanId()))
            .toList();
    assertThat(intakeCalls)
        .extracting(s -> s.getAttributes().get(ROUTE))
        .contains(
            "/app/installations/{installation_id}/access_tokens",
            "/repos/{owner}/{repo}/contents/{path}",
            "/repos/{owner}/{repo}/check-runs");
    assertThat(intakeCalls)
        .allSatisfy(s -> assertThat(s.getAttributes().get(STATUS)).isBetween(200L, 299L));
    assertThat(intakeCalls)
        .filteredOn(s -> s.getAttributes().get(ROUTE).startsWith("/repos/"))
        .allSatisfy(s -> assertThat(s.getAttributes().get(REMAINING)).isNotNull());

    // the intake publishes the JobRequests; the stub continues the one of build
    String jobsExchange = "publish " + stack.config().jobs().exchange();
    List<SpanData> jobPublishes =
        trace.stream()
            .filter(s -> s.getName().equals(jobsExchange))
            .filter(s -> s.getParentSpanId().equals(intake.getSpanId()))
            .toList();
    assertThat(jobPublishes).hasSize(2); // lint and build; test waits for build
    SpanData job = completionOf("build").orElseThrow().job();
    assertThat(job.getTraceId()).isEqualTo(traceId);
    assertThat(job.getResource().getAttribute(SERVICE_NAME)).isEqualTo("orchestrator-stub");
    SpanData jobDelivery = parentOf(trace, job);
    assertThat(jobDelivery.getName()).isEqualTo("process " + stack.config().jobs().queue());
    assertThat(jobDelivery.getKind()).isEqualTo(SpanKind.CONSUMER);
    assertThat(jobPublishes)
        .extracting(SpanData::getSpanId)
        .contains(jobDelivery.getParentSpanId());
    // ... which reached the stub only through the JobRequests' AMQP headers (test's JobRequest,
    // sent once build succeeded, continues the same trace from the result consumer).
    List<String> jobHeaders = traceparents(jobsTap);
    assertThat(jobHeaders)
        .containsAll(jobPublishes.stream().map(TraceIT::traceparent).toList())
        .allSatisfy(h -> assertThat(h).startsWith("00-" + traceId + "-"));

    // the stub's completed result → the service's result delivery → the check-run update
    SpanData update = completionOf("build").orElseThrow().update();
    assertThat(update.getTraceId()).isEqualTo(traceId);
    assertThat(update.getResource().getAttribute(SERVICE_NAME)).isEqualTo("github-integration");
    assertThat(update.getAttributes().get(STATUS)).isEqualTo(200L);
    assertThat(update.getAttributes().get(REMAINING)).isNotNull();
    SpanData resultDelivery = parentOf(trace, update);
    assertThat(resultDelivery.getName()).isEqualTo("process " + stack.config().results().queue());
    SpanData resultPublish = parentOf(trace, resultDelivery);
    assertThat(resultPublish.getName()).isEqualTo("publish " + stack.config().results().exchange());
    assertThat(resultPublish.getResource().getAttribute(SERVICE_NAME))
        .isEqualTo("orchestrator-stub");
    assertThat(resultPublish.getParentSpanId()).isEqualTo(job.getSpanId());
    // The JobResults carry the job's trace back in their AMQP headers.
    assertThat(traceparents(resultsTap)).contains(traceparent(resultPublish));
  }

  /** The stub's span of a job, and the check-run update made for one of its results. */
  private record Completion(SpanData job, SpanData update) {}

  private Optional<Completion> completionOf(String jobId) {
    List<SpanData> all = spans.getFinishedSpanItems();
    Optional<SpanData> job =
        all.stream().filter(s -> s.getName().equals("job " + jobId)).findFirst();
    if (job.isEmpty()) {
      return Optional.empty();
    }
    // Updates below a result delivery below a result publish of this job.
    for (SpanData publish : all) {
      if (!publish.getParentSpanId().equals(job.get().getSpanId())) {
        continue;
      }
      for (SpanData delivery : all) {
        if (!delivery.getParentSpanId().equals(publish.getSpanId())
            || !"completed"
                .equals(
                    delivery.getAttributes().get(AttributeKey.stringKey("solstice.job.status")))) {
          continue;
        }
        Optional<SpanData> update =
            all.stream()
                .filter(s -> s.getParentSpanId().equals(delivery.getSpanId()))
                .filter(s -> s.getName().equals(CHECK_RUN_UPDATE))
                .findFirst();
        if (update.isPresent()) {
          return Optional.of(new Completion(job.get(), update.get()));
        }
      }
    }
    return Optional.empty();
  }

  private static SpanData one(List<SpanData> spans, Predicate<SpanData> which) {
    List<SpanData> found = spans.stream().filter(which).toList();
    assertThat(found).hasSize(1);
    return found.get(0);
  }

  private static SpanData childOf(List<SpanData> trace, SpanData parent, String name) {
    return one(
        trace, s -> s.getParentSpanId().equals(parent.getSpanId()) && s.getName().equals(name));
  }

  private static SpanData parentOf(List<SpanData> trace, SpanData child) {
    return one(trace, s -> s.getSpanId().equals(child.getParentSpanId()));
  }
}
