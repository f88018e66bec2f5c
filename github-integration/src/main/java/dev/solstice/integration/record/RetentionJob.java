package dev.solstice.integration.record;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes deliveries older than {@code DELIVERY_RETENTION} and refreshes the installation gauges;
 * run at start and then every hour at most (the wiring keeps the timer). A run that fails (database
 * down) is simply tried again at the next tick.
 */
public final class RetentionJob {

  private static final Logger LOG = LoggerFactory.getLogger(RetentionJob.class);

  private final RecordStore record;

  public RetentionJob(RecordStore record) {
    this.record = record;
  }

  /** One run: deletes what expired, refreshes the gauges. */
  public io.vertx.core.Future<Integer> runOnce() {
    return record
        .deleteExpiredDeliveries()
        .onSuccess(
            n -> {
              if (n > 0) {
                LOG.info("record retention: deleted {} deliveries past the retention window", n);
              }
              if (record instanceof PgRecord pg) {
                pg.count();
              }
            })
        .onFailure(e -> LOG.warn("record retention did not run: {}", e.getMessage()));
  }
}
