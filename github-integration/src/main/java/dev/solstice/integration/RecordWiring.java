package dev.solstice.integration;

import dev.solstice.integration.config.AppConfig;
import dev.solstice.integration.core.WebhookDelivery;
import dev.solstice.integration.github.GitHubClient;
import dev.solstice.integration.record.DeliveryEntry;
import dev.solstice.integration.record.RecordStore;
import dev.solstice.integration.record.Records;
import dev.solstice.integration.record.RetentionJob;
import dev.solstice.integration.recovery.InstallationSync;
import dev.solstice.integration.webhook.WebhookHandler;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The record's part of the assembly (issue 15): the store, its retention job and the reconciliation
 * with GitHub, and the edge's note of each accepted delivery, taken after the broker confirmed it
 * (so the record never sits between a webhook and its 2xx).
 */
final class RecordWiring {

  private final Vertx vertx;
  private final RecordStore record;
  private final boolean storePayloads;
  private final RetentionJob retention;
  private final Duration retentionInterval;
  private final InstallationSync sync;
  private final Duration syncInterval;
  private final List<Long> timers = new ArrayList<>();

  RecordWiring(
      Vertx vertx, AppConfig config, GitHubClient github, MeterRegistry registry, Clock clock) {
    this.vertx = vertx;
    this.record = Records.open(vertx, config.record(), registry, clock);
    this.storePayloads = config.record().storePayloads();
    this.retention = new RetentionJob(record);
    this.retentionInterval =
        Duration.ofHours(1).compareTo(config.record().retention()) < 0
            ? Duration.ofHours(1)
            : config.record().retention();
    this.sync = github != null && record.enabled() ? new InstallationSync(github, record) : null;
    this.syncInterval = config.record().syncInterval();
  }

  RecordStore record() {
    return record;
  }

  /**
   * The intake with each delivery the broker confirmed noted in the record as received, and each
   * one answered without enqueueing noted as ignored (both after the answer's cause, never before).
   */
  WebhookHandler.Intake noting(WebhookHandler.Intake intake) {
    return new WebhookHandler.Intake() {
      @Override
      public Future<Void> enqueue(WebhookDelivery delivery) {
        return intake.enqueue(delivery).onSuccess(v -> record.delivery(received(delivery)));
      }

      @Override
      public void ignored(WebhookDelivery d, String reason) {
        record.delivery(
            DeliveryEntry.ignoredAtEdge(d.deliveryId(), d.event(), d.receivedAt(), reason));
      }
    };
  }

  private DeliveryEntry received(WebhookDelivery d) {
    return DeliveryEntry.received(
        d.deliveryId(), d.event(), d.receivedAt(), storePayloads ? d.body() : null);
  }

  /** Retention a second after start, the reconciliation after two; then each at its interval. */
  void start() {
    if (record.enabled()) {
      every(Duration.ofSeconds(1), retentionInterval, retention::runOnce);
    }
    if (sync != null) {
      every(Duration.ofSeconds(2), syncInterval, sync::runOnce);
    }
  }

  /** Runs {@code job} after {@code first}, then every {@code interval} (a second at least). */
  private void every(Duration first, Duration interval, Runnable job) {
    timers.add(
        vertx.setPeriodic(first.toMillis(), Math.max(1_000, interval.toMillis()), t -> job.run()));
  }

  InstallationSync sync() {
    return sync;
  }

  Future<Void> stop() {
    timers.forEach(vertx::cancelTimer);
    return record.close();
  }
}
