package dev.solstice.integration.webhook;

/** What the webhook endpoint reports to metrics. */
public interface WebhookMetrics {

  void received(String event);

  void signatureFailure();

  void invalid(String event);

  void ignored(String event);

  void accepted(String event);

  void unavailable(String event);

  WebhookMetrics NONE = new WebhookMetrics() {
    @Override public void received(String event) { }
    @Override public void signatureFailure() { }
    @Override public void invalid(String event) { }
    @Override public void ignored(String event) { }
    @Override public void accepted(String event) { }
    @Override public void unavailable(String event) { }
  };
}
