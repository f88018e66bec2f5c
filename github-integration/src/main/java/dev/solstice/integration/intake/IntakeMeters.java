package dev.solstice.integration.intake;

import dev.solstice.integration.ops.Metrics;

/** The service's meters behind {@link IntakeMetrics}. */
public final class IntakeMeters {

  private IntakeMeters() {}

  public static IntakeMetrics of(Metrics metrics) {
    return new IntakeMetrics() {
      @Override
      public void processed(String event, String outcome) {
        metrics.processed(event, outcome);
      }

      @Override
      public void failed(String event, String disposition) {
        metrics.failed(event, disposition);
      }
    };
  }
}
