package dev.solstice.integration.intake;

/** What the intake reports to metrics; a no-op in tests that do not look. */
public interface IntakeMetrics {

  void processed(String event, String outcome);

  void failed(String event, String disposition);

  IntakeMetrics NONE =
      new IntakeMetrics() {
        @Override
        public void processed(String event, String outcome) {}

        @Override
        public void failed(String event, String disposition) {}
      };
}
