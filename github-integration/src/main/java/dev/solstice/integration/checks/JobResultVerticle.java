package dev.solstice.integration.checks;

import dev.solstice.integration.amqp.AmqpConnector;
import dev.solstice.integration.amqp.Delivery;
import dev.solstice.integration.amqp.QueueConsumer;
import dev.solstice.integration.amqp.RetryRoute;
import dev.solstice.integration.amqp.Topology;
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
  private QueueConsumer consumer;

  public JobResultVerticle(AmqpConnector connector, RetryRoute retries, CheckRunReporter reporter, int prefetch,
      int maxAttempts, Metrics metrics) {
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
    (retry ? retries.retryLater(message.properties(), message.body(), attempt, reason)
        : retries.park(message.properties(), message.body(), attempt, reason))
        .onSuccess(v -> message.ack())
        .onFailure(e -> LOG.warn("could not reschedule result {}: {}", message.properties().getMessageId(), e.getMessage()));
  }

  @Override
  public Future<?> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.pause().eventually(() -> {
      consumer.close();
      return Future.succeededFuture();
    });
  }
}
