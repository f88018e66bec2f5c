package dev.solstice.integration.record;

import dev.solstice.integration.core.InstallationChange;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The record's meters: installs and uninstalls, deliveries by outcome, writes pending and dropped;
 * with a database also the active installations and their repositories.
 */
final class RecordMetrics {

  private final MeterRegistry registry;
  private final Counter installs;
  private final Counter uninstalls;

  RecordMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.installs =
        Counter.builder("solstice_installations_installed")
            .description("installation created events")
            .register(registry);
    this.uninstalls =
        Counter.builder("solstice_installations_uninstalled")
            .description("installation deleted events")
            .register(registry);
  }

  void delivery(DeliveryEntry entry) {
    registry
        .counter("solstice_deliveries_recorded", "outcome", entry.outcome().column())
        .increment();
  }

  void change(InstallationChange change) {
    if ("installation".equals(change.event()) && "created".equals(change.action())) {
      installs.increment();
    } else if ("installation".equals(change.event()) && "deleted".equals(change.action())) {
      uninstalls.increment();
    }
  }

  MeterRegistry registry() {
    return registry;
  }
}
