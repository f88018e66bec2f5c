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

/**
 * The record's part of the assembly (issue 15): the store, its retention job and the reconciliation
 * with GitHub, and the edge's note of each accepted delivery, taken after the broker confirmed it
 * (so the record never sits between a webhook and its 2xx).
 */
final class RecordWiring {

  private final RecordStore record;
  private final boolean storePayloads;
  private final RetentionJob retention;
  private final InstallationSync sync;

  RecordWiring(
      Vertx vertx, AppConfig config, GitHubClient github, MeterRegistry registry, Clock clock) {
    this.record = Records.open(vertx, config.record(), registry, clock);
    this.storePayloads = config.record().storePayloads();
    this.retention =
        new RetentionJob(
            vertx,
            record,
            Duration.ofHours(1).compareTo(config.record().retention()) < 0
                ? Duration.ofHours(1)
                : config.record().retention());
    this.sync =
        github != null && record.enabled()
            ? new InstallationSync(vertx, github, record, config.record().syncInterval())
            : null;
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

  /** Starts retention and reconciliation once the schema is there (both need its tables). */
  void start() {
    record
        .ready()
        .onSuccess(
            v -> {
              retention.start();
              if (sync != null) {
                sync.start();
              }
            });
  }

  InstallationSync sync() {
    return sync;
  }

  Future<Void> stop() {
    retention.stop();
    if (sync != null) {
      sync.stop();
    }
    return record.close();
  }
}
