package dev.solstice.integration.record;

import io.vertx.core.Vertx;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes deliveries older than {@code DELIVERY_RETENTION}, at start and then every {@code
 * interval}, and refreshes the installation gauges. A run that fails (database down) is simply
 * tried again at the next tick.
 */
public final class RetentionJob {

  private static final Logger LOG = LoggerFactory.getLogger(RetentionJob.class);

  private final Vertx vertx;
  private final RecordStore record;
  private final Duration interval;
  private long timer = -1;

  public RetentionJob(Vertx vertx, RecordStore record, Duration interval) {
    this.vertx = vertx;
    this.record = record;
    this.interval = interval;
  }

  public void start() {
    if (!record.enabled()) {
      return;
    }
    timer = vertx.setPeriodic(1_000, Math.max(1_000, interval.toMillis()), t -> runOnce());
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

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }
}
