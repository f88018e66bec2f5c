package dev.solstice.platform.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.solstice.platform.config.InvalidConfigurationException;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class TelemetryTest {

  private static final String ENDPOINT = "http://127.0.0.1:4318";

  @Test
  void tracingIsOffWithoutAnEndpoint() {
    assertThat(Telemetry.fromEnv(Map.of(), "svc")).isSameAs(OpenTelemetry.noop());
    assertThat(MessageTracing.of(Telemetry.fromEnv(Map.of(), "svc")).enabled()).isFalse();
  }

  @Test
  void sdkDisabledOrExporterNoneTurnsTracingOffEvenWithAnEndpoint() {
    assertThat(
            Telemetry.fromEnv(
                Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", ENDPOINT, "OTEL_SDK_DISABLED", "true"),
                "svc"))
        .isSameAs(OpenTelemetry.noop());
    assertThat(
            Telemetry.fromEnv(
                Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", ENDPOINT, "OTEL_TRACES_EXPORTER", "none"),
                "svc"))
        .isSameAs(OpenTelemetry.noop());
  }

  @Test
  void anEndpointTurnsOnTheSdkWithItsOtlpExporter() {
    OpenTelemetry on = Telemetry.fromEnv(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", ENDPOINT), "svc");
    try {
      assertThat(on).isInstanceOf(OpenTelemetrySdk.class);
      assertThat(MessageTracing.of(on).enabled()).isTrue();
      assertThat(on.getTracer("t").spanBuilder("s").startSpan().getSpanContext().isValid())
          .isTrue();
    } finally {
      ((OpenTelemetrySdk) on).close();
    }
  }

  @Test
  void spansGoToTheConfiguredCollectorOverOtlpHttp() throws Exception {
    List<String> received = new CopyOnWriteArrayList<>();
    HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    collector.createContext(
        "/",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          received.add(
              exchange.getRequestMethod()
                  + " "
                  + exchange.getRequestURI().getPath()
                  + " "
                  + exchange.getRequestHeaders().getFirst("Content-Type")
                  + " "
                  + new String(body, StandardCharsets.ISO_8859_1));
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    collector.start();
    try {
      OpenTelemetry on =
          Telemetry.fromEnv(
              Map.of(
                  "OTEL_EXPORTER_OTLP_ENDPOINT",
                  "http://127.0.0.1:" + collector.getAddress().getPort()),
              "solstice-test-service");
      on.getTracer("t").spanBuilder("the-span").startSpan().end();
      // Closing shuts the SDK down, which flushes the batch (waiting up to 10 s).
      ((OpenTelemetrySdk) on).close();
      assertThat(received)
          .singleElement()
          .satisfies(
              r ->
                  assertThat(r)
                      .startsWith("POST /v1/traces application/x-protobuf")
                      .contains("the-span")
                      .contains("solstice-test-service"));
    } finally {
      collector.stop(0);
    }
  }

  @Test
  void unusableValuesAreRefusedNamingTheVariable() {
    assertThatThrownBy(
            () ->
                Telemetry.fromEnv(
                    Map.of(
                        "OTEL_EXPORTER_OTLP_ENDPOINT",
                        ENDPOINT,
                        "OTEL_EXPORTER_OTLP_PROTOCOL",
                        "grpc",
                        "OTEL_SDK_DISABLED",
                        "maybe"),
                    "svc"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("OTEL_EXPORTER_OTLP_PROTOCOL")
        .hasMessageContaining("OTEL_SDK_DISABLED");
    assertThatThrownBy(
            () ->
                Telemetry.fromEnv(
                    Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", ENDPOINT, "OTEL_TRACES_SAMPLER", "no"),
                    "svc"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("OTEL_");
  }
}
