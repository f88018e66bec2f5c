package dev.solstice.integration.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Requests and connections the endpoint refused, by reason, as {@code
 * solstice_http_refused{reason}} (docs/runbook.md "Hostile traffic"): an operator sees an attack,
 * and which limit it runs into.
 */
public final class HttpRefusals {

  /** Why a request or connection was refused. */
  public enum Reason {
    /** The in-flight body budget (MAX_BUFFERED_BODY_BYTES) had no room: 503. */
    BUDGET,
    /** Larger than MAX_BODY_BYTES: 413. */
    SIZE,
    /**
     * Headers, body or the next keep-alive request did not arrive in time: closed (408 if a body
     * was due).
     */
    TIMEOUT,
    /** Over HTTP_MAX_CONNECTIONS or HTTP_MAX_CONNECTIONS_PER_SOURCE: closed at once. */
    CONNECTION_CAP,
    /** Signature missing, malformed or wrong: 401. */
    SIGNATURE,
    /** From an address outside WEBHOOK_SOURCE_ALLOWLIST: 403. */
    SOURCE;

    String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final MeterRegistry registry;
  private final Map<Reason, Counter> counters = new EnumMap<>(Reason.class);
  private final Runnable onSignatureFailure;

  /** {@code onSignatureFailure} also counts the webhook's own signature-failure meter. */
  public HttpRefusals(MeterRegistry registry, Runnable onSignatureFailure) {
    this.registry = registry;
    this.onSignatureFailure = onSignatureFailure;
    for (Reason r : Reason.values()) {
      counters.put(
          r,
          Counter.builder("solstice_http_refused")
              .tag("reason", r.tag())
              .description("Requests or connections refused by the public endpoint's limits")
              .register(registry));
    }
  }

  public void refused(Reason reason) {
    counters.get(reason).increment();
    if (reason == Reason.SIGNATURE) {
      onSignatureFailure.run();
    }
  }

  /** Exposes the body bytes held in memory and the open connections. */
  void gauges(BodyBudget budget, Supplier<Number> connections) {
    Gauge.builder("solstice_http_body_bytes_buffered", budget, BodyBudget::used)
        .description("Bytes of request bodies held in memory now")
        .baseUnit("bytes")
        .register(registry);
    Gauge.builder("solstice_http_connections", connections)
        .description("Open HTTP connections")
        .register(registry);
  }
}
