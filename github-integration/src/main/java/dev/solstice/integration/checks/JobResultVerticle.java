package dev.solstice.integration.checks;

import dev.solstice.integration.ops.Metrics;
import dev.solstice.jobrequest.JobCodec;
import dev.solstice.jobrequest.JobResult;
import dev.solstice.platform.amqp.Delivery;
import dev.solstice.platform.amqp.SettlingConsumer;
import dev.solstice.platform.amqp.SettlingVerticle;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.Future;
import java.util.Locale;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.event.Level;

/**
 * Consumes JobResults (manual ack, bounded prefetch) and completes the matching check runs. A
 * result is acked only after GitHub accepted the update; a passing GitHub failure retries it after
 * a growing delay, a permanent one (unreadable result, repository gone) parks it with the reason.
 */
public final class JobResultVerticle extends SettlingVerticle {

  private static final Logger LOG = LoggerFactory.getLogger(JobResultVerticle.class);

  private final CheckRunReporter reporter;
  private final Metrics metrics;
  private final Function<JobResult, Future<Void>> afterReport;

  /**
   * @param settings the results queue's flow and retries
   * @param afterReport what else a result causes once its check run is updated (the run's next
   *     jobs: {@code RunCoordinator.onResult}); a failure retries the result like a GitHub failure
   */
  public JobResultVerticle(
      SettlingConsumer.Settings settings,
      CheckRunReporter reporter,
      Metrics metrics,
      Function<JobResult, Future<Void>> afterReport) {
    super(settings);
    this.reporter = reporter;
    this.metrics = metrics;
    this.afterReport = afterReport;
  }

  @Override
  protected Future<Void> handle(Delivery message) {
    JobResult result;
    try {
      result = JobCodec.decodeResult(message.body());
    } catch (RuntimeException e) {
      metrics.count("solstice_results_consumed", "outcome", "unreadable");
      return Future.failedFuture(e);
    }
    try (var a = MDC.putCloseable("request_id", String.valueOf(result.requestId()));
        var b = MDC.putCloseable("repository", result.repository())) {
      // The delivery's span (when tracing): which report this is, started or completed.
      Span.current()
          .setAttribute("solstice.job.status", result.status().name().toLowerCase(Locale.ROOT));
      return reporter
          .report(result)
          .compose(v -> afterReport.apply(result))
          .onSuccess(
              v -> {
                metrics.count("solstice_results_consumed", "outcome", "reported");
                metrics.count(
                    "solstice_checkrun_updates",
                    "outcome",
                    result.status().name().toLowerCase(Locale.ROOT));
              })
          .onFailure(e -> metrics.count("solstice_checkrun_updates", "outcome", "failed"));
    }
  }

  // The logs and metrics of a failed message; the consumer reschedules it.

  @Override
  protected void retrying(Delivery message, SettlingConsumer.Failure f) {
    notReported(
        Level.WARN, message, f.attempt() + " of " + f.maxAttempts(), "retrying in " + f.delay(), f);
    metrics.count("solstice_retries", "queue", "results");
  }

  @Override
  protected void parking(Delivery message, SettlingConsumer.Failure f) {
    notReported(
        Level.ERROR,
        message,
        String.valueOf(f.attempt()),
        "parked in " + settings().flow().deadLetterQueue(),
        f);
    metrics.count("solstice_dlq_parked", "queue", "results");
  }

  private void notReported(
      Level level, Delivery message, String attempt, String next, SettlingConsumer.Failure f) {
    LOG.atLevel(level)
        .log(
            "result {} not reported (attempt {}), {}: {}",
            message.properties().getMessageId(),
            attempt,
            next,
            f.reason());
  }
}
