package dev.solstice.integration.checks;

import dev.solstice.integration.ops.Metrics;
import dev.solstice.jobrequest.JobCodec;
import dev.solstice.jobrequest.JobResult;
import dev.solstice.platform.amqp.Delivery;
import dev.solstice.platform.amqp.SettlingConsumer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Consumes JobResults (manual ack, bounded prefetch) and completes the matching check runs. A
 * result is acked only after GitHub accepted the update; a passing GitHub failure retries it after
 * a growing delay, a permanent one (unreadable result, repository gone) parks it with the reason.
 */
public final class JobResultVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(JobResultVerticle.class);

  private final SettlingConsumer.Settings settings;
  private final CheckRunReporter reporter;
  private final Metrics metrics;
  private final Function<JobResult, Future<Void>> afterReport;
  private SettlingConsumer consumer;

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
    this.settings = settings;
    this.reporter = reporter;
    this.metrics = metrics;
    this.afterReport = afterReport;
  }

  @Override
  public Future<?> start() {
    consumer = new SettlingConsumer(context, settings, this::handle, new Outcomes());
    return Future.succeededFuture();
  }

  public boolean isConsuming() {
    return consumer != null && consumer.isConsuming();
  }

  private Future<Void> handle(Delivery message) {
    JobResult result;
    try {
      result = JobCodec.decodeResult(message.body());
    } catch (RuntimeException e) {
      metrics.count("solstice_results_consumed", "outcome", "unreadable");
      return Future.failedFuture(e);
    }
    try (var a = MDC.putCloseable("request_id", String.valueOf(result.requestId()));
        var b = MDC.putCloseable("repository", result.repository())) {
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

  /** The logs and metrics of a result not reported; the consumer reschedules it. */
  private final class Outcomes implements SettlingConsumer.Outcomes {
    @Override
    public void retrying(Delivery message, SettlingConsumer.Failure f) {
      LOG.warn(
          "result {} not reported (attempt {} of {}), retrying in {}: {}",
          message.properties().getMessageId(),
          f.attempt(),
          f.maxAttempts(),
          f.delay(),
          f.reason());
      metrics.count("solstice_retries", "queue", "results");
    }

    @Override
    public void parking(Delivery message, SettlingConsumer.Failure f) {
      LOG.error(
          "result {} not reported (attempt {}), parked in {}: {}",
          message.properties().getMessageId(),
          f.attempt(),
          settings.flow().deadLetterQueue(),
          f.reason());
      metrics.count("solstice_dlq_parked", "queue", "results");
    }

    @Override
    public void rescheduleFailed(
        Delivery message, SettlingConsumer.Failure f, Throwable error, Duration wait) {
      LOG.warn(
          "could not reschedule result {}: {}; trying again in {} ms",
          message.properties().getMessageId(),
          error.getMessage(),
          wait.toMillis());
    }
  }

  @Override
  public Future<?> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.stop();
  }
}
