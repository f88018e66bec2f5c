package dev.solstice.integration.checks;

import dev.solstice.platform.amqp.AmqpConnector;
import dev.solstice.platform.amqp.Delivery;
import dev.solstice.platform.amqp.QueueConsumer;
import dev.solstice.platform.amqp.RetryRoute;
import dev.solstice.platform.amqp.Topology;
import dev.solstice.integration.intake.Failures;
import dev.solstice.integration.ops.Metrics;
import dev.solstice.jobrequest.JobCodec;
import dev.solstice.jobrequest.JobResult;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Consumes JobResults (manual ack, bounded prefetch) and completes the matching check runs. A result
 * is acked only after GitHub accepted the update; a passing GitHub failure retries it after a
 * growing delay, a permanent one (unreadable result, repository gone) parks it with the reason.
 */
public final class JobResultVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(JobResultVerticle.class);

  private final AmqpConnector connector;
  private final RetryRoute retries;
  private final CheckRunReporter reporter;
  private final int prefetch;
  private final int maxAttempts;
  private final Metrics metrics;
  private final java.util.function.Function<JobResult, Future<Void>> afterReport;
  private QueueConsumer consumer;

  public JobResultVerticle(AmqpConnector connector, RetryRoute retries, CheckRunReporter reporter, int prefetch,
      int maxAttempts, Metrics metrics) {
    this(connector, retries, reporter, prefetch, maxAttempts, metrics, r -> Future.succeededFuture());
  }

  /**
   * @param afterReport what else a result causes once its check run is updated (the run's next jobs:
   *     {@code RunCoordinator.onResult}); a failure retries the result like a GitHub failure
   */
  public JobResultVerticle(AmqpConnector connector, RetryRoute retries, CheckRunReporter reporter, int prefetch,
      int maxAttempts, Metrics metrics, java.util.function.Function<JobResult, Future<Void>> afterReport) {
    this.afterReport = afterReport;
    this.connector = connector;
    this.retries = retries;
    this.reporter = reporter;
    this.prefetch = prefetch;
    this.maxAttempts = maxAttempts;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    consumer = new QueueConsumer(context, connector, retries.flow(), prefetch, channel -> {
      for (Duration delay : retries.delays()) {
        Topology.declareDelay(channel, retries.flow(), delay);
      }
    }, this::handle);
    return Future.succeededFuture();
  }

  public boolean isConsuming() {
    return consumer != null && consumer.isConsuming();
  }

  private void handle(Delivery message) {
    int attempt = RetryRoute.attempt(message);
    JobResult result;
    try {
      result = JobCodec.decodeResult(message.body());
    } catch (RuntimeException e) {
      metrics.count("solstice_results_consumed", "outcome", "unreadable");
      settle(message, attempt, e);
      return;
    }
    try (var a = MDC.putCloseable("request_id", String.valueOf(result.requestId()));
        var b = MDC.putCloseable("repository", result.repository())) {
      reporter.report(result)
          .compose(v -> afterReport.apply(result))
          .onSuccess(v -> {
            metrics.count("solstice_results_consumed", "outcome", "reported");
            metrics.count("solstice_checkrun_updates", "outcome", result.status().name().toLowerCase(java.util.Locale.ROOT));
            message.ack();
          })
          .onFailure(e -> {
            metrics.count("solstice_checkrun_updates", "outcome", "failed");
            settle(message, attempt, e);
          });
    }
  }

  private void settle(Delivery message, int attempt, Throwable error) {
    String reason = Failures.describe(error);
    boolean retry = Failures.retryable(error) && attempt < maxAttempts;
    if (retry) {
      LOG.warn("result {} not reported (attempt {} of {}), retrying in {}: {}", message.properties().getMessageId(),
          attempt, maxAttempts, retries.delayBefore(attempt + 1), reason);
      metrics.count("solstice_retries", "queue", "results");
    } else {
      LOG.error("result {} not reported (attempt {}), parked in {}: {}", message.properties().getMessageId(),
          attempt, retries.flow().deadLetterQueue(), reason);
      metrics.count("solstice_dlq_parked", "queue", "results");
    }
    reschedule(message, attempt, retry, reason, retries.delayBefore(attempt + 1).toMillis());
  }

  /**
   * Acks once the retry (or the parked copy) is confirmed. When the broker would not take it either,
   * only the rescheduling is tried again later, with a growing delay: leaving the message unacked on
   * a channel that stays open would hold a prefetch slot forever and, a few of those later, stop the
   * consumer. If the channel dies meanwhile, the broker redelivers the message and the ack is dropped.
   */
  private void reschedule(Delivery message, int attempt, boolean retry, String reason, long delay) {
    (retry ? retries.retryLater(message.properties(), message.body(), attempt, reason)
        : retries.park(message.properties(), message.body(), attempt, reason))
        .onSuccess(v -> message.ack())
        .onFailure(e -> {
          LOG.warn("could not reschedule result {}: {}; trying again in {} ms", message.properties().getMessageId(),
              e.getMessage(), delay);
          vertx.setTimer(delay, id -> reschedule(message, attempt, retry, reason, Math.min(60_000, delay * 2)));
        });
  }

  @Override
  public Future<?> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.pause().eventually(() -> {
      consumer.close();
      return Future.succeededFuture();
    });
  }
}
