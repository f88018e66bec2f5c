package dev.solstice.integration.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The service's own meters, named as {@code docs/operations.md} lists them. Vert.x adds its HTTP
 * server and pool meters, and {@link io.micrometer.core.instrument.binder.jvm} the JVM's. The
 * stages report through their own types ({@code WebhookMetrics}, {@code IntakeMetrics}), built on
 * this class where the service is wired: stages depend on {@code ops}, never the reverse.
 */
public final class Metrics {

  private final MeterRegistry registry;
  private final Counter signatureFailures;

  public Metrics(MeterRegistry registry) {
    this.registry = registry;
    this.signatureFailures =
        Counter.builder("solstice_webhook_signature_failures")
            .description("Webhooks refused for a missing or wrong signature")
            .register(registry);
  }

  /** JVM memory, GC, threads and CPU, as every JVM service exposes them. */
  public static void bindJvm(MeterRegistry registry) {
    new io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.jvm.JvmGcMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.system.ProcessorMetrics().bindTo(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Counted by both the streaming body check and the webhook handler. */
  public void signatureFailure() {
    signatureFailures.increment();
  }

  public void processed(String event, String outcome) {
    count("solstice_webhooks_processed", "event", event, "outcome", outcome);
  }

  public void failed(String event, String disposition) {
    count("solstice_webhooks_failed", "event", event, "reason", disposition);
    if ("parked".equals(disposition)) {
      count("solstice_dlq_parked", "queue", "intake");
    } else {
      count("solstice_retries", "queue", "intake");
    }
  }

  /** Counts one occurrence of a named counter with tag pairs. */
  public void count(String name, String... tags) {
    for (int i = 1; i < tags.length; i += 2) {
      if (tags[i] == null) {
        tags[i] = "none";
      }
    }
    registry.counter(name, tags).increment();
  }
}
