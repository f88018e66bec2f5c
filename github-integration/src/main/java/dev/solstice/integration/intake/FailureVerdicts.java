package dev.solstice.integration.intake;

import dev.solstice.integration.core.Failures;
import dev.solstice.platform.amqp.FailurePolicy;

/** The service's failures as the consumers' verdicts: retryable, after how long, and why. */
public final class FailureVerdicts implements FailurePolicy {

  public static final FailurePolicy SERVICE = new FailureVerdicts();

  private FailureVerdicts() {}

  @Override
  public Verdict judge(Throwable error) {
    return new Verdict(
        Failures.retryable(error), Failures.retryAfter(error), Failures.describe(error));
  }
}
