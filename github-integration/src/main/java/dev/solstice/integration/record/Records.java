package dev.solstice.integration.record;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the record: PostgreSQL when {@code DATABASE_URL} is set, migrated in the background (with
 * retries, so a database that is down at start delays the record, not the service), else nothing
 * stored.
 */
public final class Records {

  private static final Logger LOG = LoggerFactory.getLogger(Records.class);
  private static final Duration MIGRATION_RETRY = Duration.ofSeconds(15);

  private Records() {}

  public static RecordStore open(
      Vertx vertx, RecordSettings settings, MeterRegistry registry, Clock clock) {
    if (!settings.enabled()) {
      LOG.warn(
          "no DATABASE_URL: the record is off (installations, repositories and deliveries are not"
              + " stored, reconciliation and retention do not run; installation changes seen by"
              + " this process still stop their deliveries until restart)");
      return new NoRecord(registry);
    }
    PgRecord record = new PgRecord(vertx, settings, registry, clock);
    migrate(vertx, settings, record, 1);
    return record;
  }

  private static void migrate(Vertx vertx, RecordSettings settings, PgRecord record, int attempt) {
    vertx
        .executeBlocking(() -> Migrations.migrate(settings.databaseUrl()), false)
        .onSuccess(
            version -> {
              LOG.info("record: schema at version {} ({})", version, settings);
              record.migrated();
              record.count();
            })
        .onFailure(
            e -> {
              LOG.warn(
                  "record: migration attempt {} failed ({}); writes are buffered, retrying in {}",
                  attempt,
                  e.getMessage(),
                  MIGRATION_RETRY);
              vertx.setTimer(
                  MIGRATION_RETRY.toMillis(), t -> migrate(vertx, settings, record, attempt + 1));
            });
  }
}
