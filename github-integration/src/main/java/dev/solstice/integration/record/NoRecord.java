package dev.solstice.integration.record;

import dev.solstice.integration.core.InstallationChange;
import dev.solstice.integration.core.InstallationStatus;
import dev.solstice.integration.github.AppInstallation;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * No {@code DATABASE_URL}: nothing is stored, but installation changes seen by this process still
 * stop its deliveries (until restart), and the meters still count.
 */
final class NoRecord implements RecordStore {

  private final RecordMetrics metrics;
  private final Map<Long, InstallationStatus> seen = new ConcurrentHashMap<>();

  NoRecord(MeterRegistry registry) {
    this.metrics = new RecordMetrics(registry);
  }

  @Override
  public void delivery(DeliveryEntry entry) {
    metrics.delivery(entry);
  }

  @Override
  public void apply(InstallationChange change) {
    metrics.change(change);
    seen.put(change.installationId(), change.status());
  }

  @Override
  public Future<InstallationStatus> status(long installationId) {
    return Future.succeededFuture(seen.getOrDefault(installationId, InstallationStatus.UNKNOWN));
  }

  @Override
  public Future<List<String>> deliveriesWithJobs(long installationId, int limit) {
    return Future.succeededFuture(List.of());
  }

  @Override
  public Future<Reconciliation> reconcile(
      List<AppInstallation> installations,
      Map<Long, List<AppInstallation.Repository>> repositories) {
    return Future.succeededFuture(new Reconciliation(installations.size(), 0, 0, 0));
  }

  @Override
  public Future<Integer> deleteExpiredDeliveries() {
    return Future.succeededFuture(0);
  }

  @Override
  public int pending() {
    return 0;
  }

  @Override
  public long dropped() {
    return 0;
  }

  @Override
  public Future<Void> ready() {
    return Future.succeededFuture();
  }

  @Override
  public boolean enabled() {
    return false;
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
