package dev.solstice.integration.webhook;

import dev.solstice.integration.ops.Metrics;

/** What the webhook endpoint reports to metrics. */
public interface WebhookMetrics {

  void received(String event);

  void signatureFailure();

  void invalid(String event);

  void ignored(String event);

  void accepted(String event);

  void unavailable(String event);

  WebhookMetrics NONE =
      new WebhookMetrics() {
        @Override
        public void received(String event) {}

        @Override
        public void signatureFailure() {}

        @Override
        public void invalid(String event) {}

        @Override
        public void ignored(String event) {}

        @Override
        public void accepted(String event) {}

        @Override
        public void unavailable(String event) {}
      };

  /** The service's meters behind this interface. */
  static WebhookMetrics of(Metrics metrics) {
    return new WebhookMetrics() {
      @Override
      public void received(String event) {
        metrics.received(event);
      }

      @Override
      public void signatureFailure() {
        metrics.signatureFailure();
      }

      @Override
      public void invalid(String event) {
        metrics.invalid(event);
      }

      @Override
      public void ignored(String event) {
        metrics.ignored(event);
      }

      @Override
      public void accepted(String event) {
        metrics.accepted(event);
      }

      @Override
      public void unavailable(String event) {
        metrics.unavailable(event);
      }
    };
  }
}
