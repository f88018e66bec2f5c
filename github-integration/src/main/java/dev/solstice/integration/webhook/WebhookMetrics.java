package dev.solstice.integration.webhook;

import dev.solstice.integration.ops.Metrics;

/** What the webhook endpoint counts, under the names {@code docs/operations.md} lists. */
public final class WebhookMetrics {

  private final Metrics metrics;

  /**
   * received and accepted, per event: looked up once, not per request (issue 18: a registry look-up
   * builds an id, sorts its tags and hashes them).
   */
  private final java.util.Map<String, io.micrometer.core.instrument.Counter> received =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final java.util.Map<String, io.micrometer.core.instrument.Counter> accepted =
      new java.util.concurrent.ConcurrentHashMap<>();

  private WebhookMetrics(Metrics metrics) {
    this.metrics = metrics;
  }

  /**
   * The counter of {@code event}; events outside GitHub's catalogue are not cached (a client can
   * send any header value), so the map stays small.
   */
  private io.micrometer.core.instrument.Counter counter(
      java.util.Map<String, io.micrometer.core.instrument.Counter> cache,
      String name,
      String event) {
    String key = event == null ? "none" : event;
    io.micrometer.core.instrument.Counter c = cache.get(key);
    if (c == null) {
      c = metrics.registry().counter(name, "event", key);
      if (cache.size() < 64) {
        cache.put(key, c);
      }
    }
    return c;
  }

  /** The webhook counters, kept among the service's meters. */
  public static WebhookMetrics of(Metrics metrics) {
    return new WebhookMetrics(metrics);
  }

  void received(String event) {
    counter(received, "solstice_webhooks_received", event).increment();
  }

  void signatureFailure() {
    metrics.signatureFailure();
  }

  void invalid(String event) {
    metrics.count("solstice_webhooks_failed", "event", event, "reason", "invalid");
  }

  void ignored(String event) {
    metrics.count("solstice_webhooks_ignored", "event", event);
  }

  void accepted(String event) {
    counter(accepted, "solstice_webhooks_accepted", event).increment();
  }

  void unavailable(String event) {
    metrics.count("solstice_webhooks_failed", "event", event, "reason", "broker_unavailable");
  }
}
