package dev.solstice.platform.amqp;

import dev.solstice.platform.config.EnvReader;
import dev.solstice.platform.config.InvalidConfigurationException;
import dev.solstice.platform.config.Variable;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The OpenTelemetry SDK of an executable, set up by the SDK's own autoconfigure module from the
 * standard {@code OTEL_*} variables. Off by default: unless an OTLP endpoint is set (or {@code
 * OTEL_TRACES_EXPORTER} names an exporter), or when {@code OTEL_SDK_DISABLED=true} or {@code
 * OTEL_TRACES_EXPORTER=none}, it is the no-op instance and tracing costs nothing ({@link
 * MessageTracing#off()}).
 *
 * <p>Only traces are exported (metrics stay on Prometheus' {@code /metrics}, logs on stdout), and
 * OTLP goes over HTTP ({@code http/protobuf}, through the JDK's HTTP client): the gRPC transport
 * would need OkHttp, which is not shipped.
 */
public final class Telemetry {

  public static final Variable TRACES_EXPORTER =
      Variable.of(
          "OTEL_TRACES_EXPORTER",
          "otlp when an OTLP endpoint is set, else none",
          "otlp exports traces (webhook, intake, GitHub calls, publishes, jobs, check-run updates); none turns tracing off at no cost, as does OTEL_SDK_DISABLED=true");
  public static final Variable EXPORTER_OTLP_ENDPOINT =
      Variable.of(
          "OTEL_EXPORTER_OTLP_ENDPOINT",
          "none (tracing off)",
          "OTLP collector base URL, e.g. http://collector:4318 (/v1/traces is appended); setting it (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, the full URL) turns tracing on");
  public static final Variable EXPORTER_OTLP_PROTOCOL =
      Variable.of(
          "OTEL_EXPORTER_OTLP_PROTOCOL",
          "http/protobuf",
          "OTLP transport; only http/protobuf is supported");
  public static final Variable EXPORTER_OTLP_HEADERS =
      Variable.secret(
          "OTEL_EXPORTER_OTLP_HEADERS",
          "none",
          "headers of every export, key=value,... (e.g. the collector's credentials)");
  public static final Variable SERVICE_NAME =
      Variable.of(
          "OTEL_SERVICE_NAME",
          "the executable's name",
          "service.name of the spans; OTEL_RESOURCE_ATTRIBUTES adds more");
  public static final Variable TRACES_SAMPLER =
      Variable.of(
          "OTEL_TRACES_SAMPLER",
          "parentbased_always_on",
          "which traces are kept; parentbased_traceidratio with OTEL_TRACES_SAMPLER_ARG=0.1 keeps a tenth. Every other OTEL_* variable of the SDK's autoconfigure applies too");

  /** The variables the catalogues list; the SDK reads the others it knows as well. */
  public static final List<Variable> VARIABLES =
      List.of(
          TRACES_EXPORTER,
          EXPORTER_OTLP_ENDPOINT,
          EXPORTER_OTLP_PROTOCOL,
          EXPORTER_OTLP_HEADERS,
          SERVICE_NAME,
          TRACES_SAMPLER);

  private static final String HTTP_PROTOBUF = "http/protobuf";
  private static final String NONE = "none";
  private static final String SDK_DISABLED = "OTEL_SDK_DISABLED";
  private static final String TRACES_ENDPOINT = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
  private static final String TRACES_PROTOCOL = "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL";

  private Telemetry() {}

  /**
   * The SDK configured from {@code env}, or {@link OpenTelemetry#noop()} when tracing is off. The
   * SDK flushes its spans at JVM exit (its shutdown hook).
   *
   * @param serviceName {@code service.name} unless {@code OTEL_SERVICE_NAME} says otherwise
   * @throws InvalidConfigurationException naming the variable when a value is not usable
   */
  public static OpenTelemetry fromEnv(Map<String, String> env, String serviceName) {
    EnvReader reader = new EnvReader(env);
    boolean disabled = reader.strictBool(SDK_DISABLED, false);
    boolean endpoint =
        reader.optional(EXPORTER_OTLP_ENDPOINT.name()).isPresent()
            || reader.optional(TRACES_ENDPOINT).isPresent();
    String exporter =
        reader.string(TRACES_EXPORTER.name(), endpoint ? "otlp" : NONE).toLowerCase(Locale.ROOT);
    for (String name : List.of(EXPORTER_OTLP_PROTOCOL.name(), TRACES_PROTOCOL)) {
      reader.require(
          reader.string(name, HTTP_PROTOBUF).equals(HTTP_PROTOBUF),
          name + ": only http/protobuf is supported, got \"" + reader.raw(name) + "\"");
    }
    reader.check();
    if (disabled || exporter.isBlank() || exporter.equals(NONE)) {
      return OpenTelemetry.noop();
    }
    Map<String, String> defaults =
        Map.of(
            "otel.service.name",
            serviceName,
            "otel.exporter.otlp.protocol",
            HTTP_PROTOBUF,
            "otel.metrics.exporter",
            "none",
            "otel.logs.exporter",
            "none");
    Map<String, String> given = new HashMap<>();
    env.forEach(
        (name, value) -> {
          if (name.startsWith("OTEL_")) {
            given.put(name.toLowerCase(Locale.ROOT).replace('_', '.'), value);
          }
        });
    try {
      return AutoConfiguredOpenTelemetrySdk.builder()
          .addPropertiesSupplier(() -> defaults)
          .addPropertiesCustomizer(config -> given)
          .build()
          .getOpenTelemetrySdk();
    } catch (RuntimeException e) {
      throw new InvalidConfigurationException(
          List.of("OTEL_*: the OpenTelemetry SDK refused its configuration: " + e.getMessage()));
    }
  }
}
