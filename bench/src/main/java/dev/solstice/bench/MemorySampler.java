package dev.solstice.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Samples the service's RSS (/proc) and heap in use (/metrics) once a second, tagged by phase. */
final class MemorySampler implements AutoCloseable {
  record Sample(
      double seconds, String phase, long rssBytes, long heapUsedBytes, long heapCommittedBytes) {}

  private final long pid;
  private final ServiceMetrics metrics;
  private final long t0 = System.nanoTime();
  private final List<Sample> samples = new ArrayList<>();
  private volatile String phase = "idle";
  private final Thread thread;

  MemorySampler(long pid, ServiceMetrics metrics) {
    this.pid = pid;
    this.metrics = metrics;
    this.thread = new Thread(this::run, "memory-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  void phase(String name) {
    phase = name;
  }

  private void run() {
    while (!Thread.currentThread().isInterrupted()) {
      sampleNow();
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  void sampleNow() {
    String text = metrics.scrape();
    long rss = ProcStats.rssBytes(pid);
    if (rss < 0) {
      return;
    }
    synchronized (samples) {
      samples.add(
          new Sample(
              (System.nanoTime() - t0) / 1e9,
              phase,
              rss,
              (long) ServiceMetrics.heapUsed(text),
              (long) ServiceMetrics.heapCommitted(text)));
    }
  }

  List<Sample> samples() {
    synchronized (samples) {
      return List.copyOf(samples);
    }
  }

  /** Median and max of heap in use and RSS over the samples of the given phases. */
  JsonObject summary(Predicate<String> phases) {
    List<Long> heap = new ArrayList<>();
    List<Long> rss = new ArrayList<>();
    for (Sample s : samples()) {
      if (phases.test(s.phase()) && s.heapUsedBytes() > 0) {
        heap.add(s.heapUsedBytes());
        rss.add(s.rssBytes());
      }
    }
    return new JsonObject()
        .put("samples", heap.size())
        .put("heap_used_mib_median", mib(median(heap)))
        .put("heap_used_mib_max", mib(heap.stream().mapToLong(Long::longValue).max().orElse(0)))
        .put("rss_mib_median", mib(median(rss)))
        .put("rss_mib_max", mib(rss.stream().mapToLong(Long::longValue).max().orElse(0)));
  }

  void writeCsv(Path file) throws IOException {
    StringBuilder sb =
        new StringBuilder("seconds,phase,rss_bytes,heap_used_bytes,heap_committed_bytes\n");
    for (Sample s : samples()) {
      sb.append(
          String.format(
              java.util.Locale.ROOT,
              "%.1f,%s,%d,%d,%d%n",
              s.seconds(),
              s.phase(),
              s.rssBytes(),
              s.heapUsedBytes(),
              s.heapCommittedBytes()));
    }
    Files.writeString(file, sb);
  }

  static double mib(long bytes) {
    return Math.round(bytes / 1048576.0 * 10) / 10.0;
  }

  private static long median(List<Long> v) {
    if (v.isEmpty()) {
      return 0;
    }
    List<Long> s = new ArrayList<>(v);
    s.sort(null);
    return s.get(s.size() / 2);
  }

  @Override
  public void close() {
    thread.interrupt();
  }
}
