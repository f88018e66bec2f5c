package dev.solstice.integration.webhook;

import dev.solstice.integration.ops.Metrics;

/** What the webhook endpoint counts, under the names {@code docs/operations.md} lists. */
public final class WebhookMetrics {

  private final Metrics metrics;

  private WebhookMetrics(Metrics metrics) {
    this.metrics = metrics;
  }

  /** The webhook counters, kept among the service's meters. */
  public static WebhookMetrics of(Metrics metrics) {
    return new WebhookMetrics(metrics);
  }

  void received(String event) {
    metrics.count("solstice_webhooks_received", "event", event);
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
    metrics.count("solstice_webhooks_accepted", "event", event);
  }

  void unavailable(String event) {
    metrics.count("solstice_webhooks_failed", "event", event, "reason", "broker_unavailable");
  }
}
