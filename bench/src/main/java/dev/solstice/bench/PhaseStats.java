package dev.solstice.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * What one load phase measured. Latencies are recorded in microseconds. Rates count only events
 * inside the measurement window [start, end], so the ramp-down after the window (answers and
 * JobRequests still in flight) does not flatter or penalise the figure.
 */
final class PhaseStats {
  final String name;

  /** Request sent to 2xx, from the time the request was due (coordinated-omission aware). */
  final Histogram httpFromIntended = new ConcurrentHistogram(3);

  /** Request sent to 2xx, from the time it actually left (what a naive client reports). */
  final Histogram httpFromSent = new ConcurrentHistogram(3);

  /** Request due to each JobRequest arriving at the bench's consumer of the jobs queue. */
  final Histogram jobFromIntended = new ConcurrentHistogram(3);

  final LongAdder sent = new LongAdder();
  final LongAdder accepted = new LongAdder();
  final LongAdder rejected = new LongAdder();
  final LongAdder failed = new LongAdder();
  final LongAdder acceptedInWindow = new LongAdder();

  /** JobRequests of any delivery that arrived inside the window. */
  final LongAdder jobsInWindow = new LongAdder();

  final LongAdder jobsOfPhase = new LongAdder();
  final LongAdder deliveriesCompleted = new LongAdder();
  private volatile long windowStart = Long.MAX_VALUE;
  private volatile long windowEnd = Long.MAX_VALUE;
  private volatile String lastError;

  PhaseStats(String name) {
    this.name = name;
  }

  void openWindow(long nanos) {
    windowStart = nanos;
  }

  void closeWindow(long nanos) {
    windowEnd = nanos;
  }

  boolean inWindow(long nanos) {
    return nanos >= windowStart && nanos <= windowEnd;
  }

  double windowSeconds() {
    return (windowEnd - windowStart) / 1e9;
  }

  void error(String message) {
    lastError = message;
  }

  static void record(Histogram h, long fromNanos, long toNanos) {
    h.recordValue(Math.max(0, (toNanos - fromNanos) / 1000));
  }

  JsonObject toJson() {
    double secs = windowSeconds();
    JsonObject o =
        new JsonObject()
            .put("phase", name)
            .put("window_seconds", round(secs))
            .put("sent", sent.sum())
            .put("accepted_2xx", accepted.sum())
            .put("rejected_non_2xx", rejected.sum())
            .put("failed_io", failed.sum())
            .put("accepted_per_second", round(acceptedInWindow.sum() / secs))
            .put("jobrequests_consumed_per_second", round(jobsInWindow.sum() / secs))
            .put("jobrequests_of_phase", jobsOfPhase.sum())
            .put("deliveries_completed", deliveriesCompleted.sum())
            .put("http_ms_from_intended", percentiles(httpFromIntended))
            .put("http_ms_from_sent", percentiles(httpFromSent))
            .put("jobrequest_ms_from_intended", percentiles(jobFromIntended));
    if (lastError != null) {
      o.put("last_error", lastError);
    }
    return o;
  }

  static JsonObject percentiles(Histogram live) {
    Histogram h = snapshot(live);
    if (h.getTotalCount() == 0) {
      return new JsonObject().put("count", 0);
    }
    return new JsonObject()
        .put("count", h.getTotalCount())
        .put("p50", ms(h.getValueAtPercentile(50)))
        .put("p90", ms(h.getValueAtPercentile(90)))
        .put("p99", ms(h.getValueAtPercentile(99)))
        .put("p99_9", ms(h.getValueAtPercentile(99.9)))
        .put("max", ms(h.getMaxValue()))
        .put("mean", ms((long) h.getMean()));
  }

  /** HdrHistogram's percentile distribution (.hgrm, values in ms), one file per histogram. */
  void writeHistograms(Path dir) throws IOException {
    write(dir.resolve(name + ".http-from-intended.hgrm"), httpFromIntended);
    write(dir.resolve(name + ".http-from-sent.hgrm"), httpFromSent);
    write(dir.resolve(name + ".jobrequest-from-intended.hgrm"), jobFromIntended);
  }

  /**
   * A stable copy: iterating a histogram that is still being recorded into (a straggling answer)
   * throws ConcurrentModificationException, so copy and retry.
   */
  static Histogram snapshot(Histogram h) {
    for (int attempt = 0; ; attempt++) {
      try {
        return h.copy();
      } catch (java.util.ConcurrentModificationException e) {
        if (attempt == 10) {
          throw e;
        }
      }
    }
  }

  private static void write(Path file, Histogram live) throws IOException {
    Histogram h = snapshot(live);
    if (h.getTotalCount() == 0) {
      return;
    }
    try (PrintStream out = new PrintStream(Files.newOutputStream(file), false, "UTF-8")) {
      h.outputPercentileDistribution(out, 1000.0);
    }
  }

  private static double ms(long micros) {
    return Math.round(micros / 10.0) / 100.0;
  }

  static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }
}
