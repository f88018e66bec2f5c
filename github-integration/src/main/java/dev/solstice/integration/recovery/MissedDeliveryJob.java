package dev.solstice.integration.recovery;

import dev.solstice.integration.github.GitHubClient;
import dev.solstice.integration.github.HookDelivery;
import dev.solstice.integration.intake.DeliveryLedger;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GitHub does not retry a failed webhook delivery. This job, run every {@code
 * MISSED_DELIVERIES_INTERVAL}, reads the App's delivery log ({@code GET /app/hook/deliveries},
 * newest first, 100 a page, cursor from the {@code link} header; there is no status filter) back to
 * its checkpoint, groups the attempts by {@code guid} (= {@code X-GitHub-Delivery}), and asks
 * GitHub to redeliver the newest attempt of each guid that
 *
 * <ul>
 *   <li>has no successful attempt (status {@code OK}, a 2xx),
 *   <li>never got a definitive answer from us (a 4xx other than 408/429: a bad signature or body
 *       would be refused again),
 *   <li>is not in our delivery ledger (it did reach us, the answer was lost), and
 *   <li>was redelivered fewer than {@code MISSED_DELIVERIES_MAX_REDELIVERIES} times.
 * </ul>
 *
 * The checkpoint (newest {@code delivered_at} looked at) is kept in Redis when configured; each run
 * re-reads a few minutes before it for attempts GitHub recorded late. A run that stops at {@code
 * MISSED_DELIVERIES_MAX_PAGES} before reaching it (a long outage) leaves the checkpoint where it
 * was and records where it stopped (the next page's cursor): the next run continues from there, and
 * the checkpoint moves to the newest delivery of the interrupted run only once the older pages are
 * read too, so no delivery is skipped. A Redis lease keeps replicas from running it at once. A
 * redelivery that arrives twice is harmless: the ledger drops it.
 */
public final class MissedDeliveryJob {

  private static final Logger LOG = LoggerFactory.getLogger(MissedDeliveryJob.class);

  /** Attempts recorded up to this long before the checkpoint are read again. */
  static final Duration OVERLAP = Duration.ofMinutes(5);

  /** What one run did. */
  public record Report(
      boolean ran,
      int pages,
      int attempts,
      int guids,
      List<Long> redelivered,
      int alreadyProcessed,
      int gaveUp,
      Instant checkpoint,
      String resumeCursor) {
    static Report skipped() {
      return new Report(false, 0, 0, 0, List.of(), 0, 0, null, null);
    }

    /** Whether the run read back to its checkpoint (else the next run resumes at the cursor). */
    public boolean complete() {
      return resumeCursor == null;
    }
  }

  private final Vertx vertx;
  private final GitHubClient github;
  private final DeliveryLedger ledger;
  private final CheckpointStore store;
  private final MissedDeliverySettings settings;
  private final Clock clock;
  private final Counter redeliveries;
  private final Counter runs;
  private final Map<String, Instant> recentlyRequested = new ConcurrentHashMap<>();
  private final AtomicBoolean running = new AtomicBoolean();
  private final java.util.Deque<Run> history = new java.util.concurrent.ConcurrentLinkedDeque<>();

  /** Runs kept for the operator console, newest first. */
  static final int HISTORY = 20;

  /** A run that read GitHub's delivery log, when it ended, and what it did. */
  public record Run(Instant endedAt, Report report) {}

  private long timer = -1;

  public MissedDeliveryJob(
      Vertx vertx,
      GitHubClient github,
      DeliveryLedger ledger,
      CheckpointStore store,
      MissedDeliverySettings settings,
      Clock clock,
      MeterRegistry registry) {
    this.vertx = vertx;
    this.github = github;
    this.ledger = ledger;
    this.store = store;
    this.settings = settings;
    this.clock = clock;
    this.redeliveries =
        Counter.builder("solstice_missed_deliveries_redelivered")
            .description("webhook deliveries GitHub was asked to redeliver")
            .register(registry);
    this.runs =
        Counter.builder("solstice_missed_deliveries_runs")
            .description("runs of the missed-delivery job")
            .register(registry);
  }

  /** Runs once shortly after start, then every interval. */
  public void start() {
    vertx.setTimer(Math.min(30_000, settings.interval().toMillis()), id -> tick());
    timer = vertx.setPeriodic(settings.interval().toMillis(), id -> tick());
    LOG.info(
        "missed-delivery job every {}, looking back {} on its first run",
        settings.interval(),
        settings.lookback());
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  private void tick() {
    runOnce()
        .onFailure(
            e ->
                LOG.warn("missed-delivery run failed (retried next interval): {}", e.getMessage()));
  }

  /** One run: read back to the checkpoint, redeliver what was missed, move the checkpoint. */
  public Future<Report> runOnce() {
    if (!running.compareAndSet(false, true)) {
      return Future.succeededFuture(Report.skipped());
    }
    return store
        .tryLease(settings.interval())
        .compose(
            leased -> {
              if (!leased) {
                LOG.debug("missed-delivery run skipped: another replica holds the lease");
                return Future.succeededFuture(Report.skipped());
              }
              return store
                  .checkpoint()
                  .compose(cp -> store.resume().compose(resume -> readAndAct(cp, resume)))
                  .eventually(store::releaseLease);
            })
        .onComplete(ar -> running.set(false));
  }

  /**
   * Reads back to the checkpoint: from the newest delivery, or from where an interrupted run
   * stopped.
   */
  private Future<Report> readAndAct(
      Optional<Instant> checkpoint, Optional<CheckpointStore.Resume> resume) {
    Instant now = clock.instant();
    Instant oldestKept = now.minus(MissedDeliverySettings.GITHUB_RETENTION);
    Instant floor = checkpoint.map(c -> c.minus(OVERLAP)).orElse(now.minus(settings.lookback()));
    if (floor.isBefore(oldestKept)) {
      floor = oldestKept;
    }
    resume.ifPresent(
        r ->
            LOG.info(
                "missed-delivery run resumes where the previous one stopped (cursor {})",
                r.cursor()));
    String from = resume.map(CheckpointStore.Resume::cursor).orElse(null);
    return readBack(floor, from, new ArrayList<>(), 0)
        .compose(read -> act(read, checkpoint.orElse(null), resume.orElse(null)));
  }

  /**
   * @param resumeCursor the next page's cursor when the run stopped before its floor, else null
   */
  private record Read(List<HookDelivery> attempts, int pages, String resumeCursor) {}

  private Future<Read> readBack(Instant floor, String cursor, List<HookDelivery> into, int pages) {
    return github
        .listHookDeliveries(cursor)
        .compose(
            page -> {
              boolean reachedFloor = false;
              for (HookDelivery d : page.deliveries()) {
                if (d.deliveredAt() != null && d.deliveredAt().isBefore(floor)) {
                  reachedFloor = true;
                  continue;
                }
                into.add(d);
              }
              int read = pages + 1;
              if (reachedFloor || page.nextCursor().isEmpty()) {
                return Future.succeededFuture(new Read(into, read, null));
              }
              if (read >= settings.maxPages()) {
                LOG.warn(
                    "missed-delivery run stopped after {} pages ({} deliveries) before reaching its checkpoint;"
                        + " the next run continues from there (raise MISSED_DELIVERIES_MAX_PAGES or shorten"
                        + " MISSED_DELIVERIES_INTERVAL to catch up sooner)",
                    read,
                    into.size());
                return Future.succeededFuture(new Read(into, read, page.nextCursor().get()));
              }
              return readBack(floor, page.nextCursor().get(), into, read);
            });
  }

  private Future<Report> act(
      Read read, Instant previousCheckpoint, CheckpointStore.Resume resumed) {
    Map<String, List<HookDelivery>> byGuid = new LinkedHashMap<>();
    for (HookDelivery d : read.attempts()) {
      if (d.guid() != null) {
        byGuid.computeIfAbsent(d.guid(), k -> new ArrayList<>()).add(d);
      }
    }
    Instant now = clock.instant();
    recentlyRequested
        .values()
        .removeIf(at -> at.isBefore(now.minus(settings.interval().multipliedBy(2))));
    List<HookDelivery> candidates = new ArrayList<>();
    int gaveUp = 0;
    for (Map.Entry<String, List<HookDelivery>> e : byGuid.entrySet()) {
      List<HookDelivery> attempts = e.getValue();
      if (attempts.stream().anyMatch(MissedDeliveryJob::succeeded)
          || attempts.stream().anyMatch(MissedDeliveryJob::refused)) {
        continue;
      }
      if (recentlyRequested.containsKey(e.getKey())) {
        continue;
      }
      long redeliveries = attempts.stream().filter(HookDelivery::redelivery).count();
      if (redeliveries >= settings.maxRedeliveries()) {
        gaveUp++;
        LOG.error(
            "delivery {} ({}) failed {} redeliveries; giving up on it (redeliver it from the App's settings"
                + " once the cause is fixed)",
            e.getKey(),
            attempts.get(0).event(),
            redeliveries);
        continue;
      }
      candidates.add(attempts.stream().max(Comparator.comparing(HookDelivery::id)).orElseThrow());
    }
    Instant newestRead =
        read.attempts().stream()
            .map(HookDelivery::deliveredAt)
            .filter(java.util.Objects::nonNull)
            .max(Comparator.naturalOrder())
            .orElse(null);
    // A resumed run read only older pages: what the checkpoint becomes is the interrupted run's
    // newest.
    Instant newest = resumed != null ? later(resumed.newest(), newestRead) : newestRead;
    List<Long> redelivered = new ArrayList<>();
    int[] processed = {0};
    Future<Void> chain = Future.succeededFuture();
    for (HookDelivery d : candidates) {
      chain =
          chain.compose(
              v ->
                  ledger
                      .isDone(d.guid())
                      .compose(
                          done -> {
                            if (done) {
                              processed[0]++;
                              return Future.succeededFuture();
                            }
                            return github
                                .redeliver(d.id())
                                .onSuccess(
                                    x -> {
                                      recentlyRequested.put(d.guid(), now);
                                      redelivered.add(d.id());
                                      redeliveries.increment();
                                      LOG.info(
                                          "asked GitHub to redeliver delivery {} ({} {}), attempt {}",
                                          d.guid(),
                                          d.event(),
                                          d.action() == null ? "" : d.action(),
                                          d.id());
                                    });
                          }));
    }
    int gave = gaveUp;
    Instant checkpoint;
    java.util.function.Supplier<Future<Void>> save;
    if (read.resumeCursor() != null) {
      // Only part of the way back was examined: keep the checkpoint, continue there next time.
      checkpoint = previousCheckpoint;
      Instant pending = newest;
      save =
          () ->
              pending == null
                  ? Future.succeededFuture()
                  : store.resume(new CheckpointStore.Resume(read.resumeCursor(), pending));
    } else {
      checkpoint = newest == null ? previousCheckpoint : newest;
      Instant reached = newest;
      save =
          () ->
              (reached == null ? Future.<Void>succeededFuture() : store.checkpoint(reached))
                  .compose(v -> resumed == null ? Future.succeededFuture() : store.clearResume());
    }
    return chain
        .compose(v -> save.get())
        .map(
            v -> {
              runs.increment();
              Report report =
                  new Report(
                      true,
                      read.pages(),
                      read.attempts().size(),
                      byGuid.size(),
                      List.copyOf(redelivered),
                      processed[0],
                      gave,
                      checkpoint,
                      read.resumeCursor());
              LOG.info(
                  "missed-delivery run: {} pages, {} attempts, {} deliveries, {} redelivered, {} already processed,"
                      + " {} given up",
                  report.pages(),
                  report.attempts(),
                  report.guids(),
                  redelivered.size(),
                  processed[0],
                  gave);
              history.addFirst(new Run(clock.instant(), report));
              while (history.size() > HISTORY) {
                history.pollLast();
              }
              return report;
            });
  }

  /** The last runs of this process that read GitHub's delivery log, newest first. */
  public List<Run> recentRuns() {
    return List.copyOf(history);
  }

  private static Instant later(Instant a, Instant b) {
    return b == null || a.isAfter(b) ? a : b;
  }

  static boolean succeeded(HookDelivery d) {
    return "OK".equalsIgnoreCase(d.status()) || (d.statusCode() >= 200 && d.statusCode() < 300);
  }

  /** We answered, and the answer would be the same again (bad signature, bad body, too large). */
  static boolean refused(HookDelivery d) {
    return d.statusCode() >= 400
        && d.statusCode() < 500
        && d.statusCode() != 408
        && d.statusCode() != 429;
  }
}
