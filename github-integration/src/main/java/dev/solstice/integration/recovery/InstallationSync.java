package dev.solstice.integration.recovery;

import dev.solstice.integration.github.AppInstallation;
import dev.solstice.integration.github.GitHubClient;
import dev.solstice.integration.ops.NextRun;
import dev.solstice.integration.record.RecordStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciliation (issue 15): at start and every {@code INSTALLATIONS_SYNC_INTERVAL}, lists the
 * App's installations ({@code GET /app/installations}) and each active one's repositories ({@code
 * GET /installation/repositories}), all pages, and makes the record agree, so it heals after missed
 * {@code installation} events. A run that fails is logged and tried again at the next tick.
 */
public final class InstallationSync {

  private static final Logger LOG = LoggerFactory.getLogger(InstallationSync.class);

  private final GitHubClient github;
  private final RecordStore record;
  private final Duration interval;

  /** The longest wait before a failed reconciliation is tried again. */
  static final Duration RETRY = Duration.ofMinutes(1);

  private final NextRun next;
  private boolean running;

  public InstallationSync(Vertx vertx, GitHubClient github, RecordStore record, Duration interval) {
    this.github = github;
    this.record = record;
    this.interval = interval;
    this.next = new NextRun(vertx);
  }

  /**
   * Reconciles now, then every {@code interval}; a run that fails is tried again within {@link
   * #RETRY}.
   */
  public void start() {
    tick();
  }

  private void tick() {
    runOnce()
        .onComplete(
            ar -> {
              Duration wait = ar.succeeded() || interval.compareTo(RETRY) < 0 ? interval : RETRY;
              next.after(Duration.ofMillis(Math.max(1_000, wait.toMillis())), this::tick);
            });
  }

  public void stop() {
    next.stop();
  }

  /** One reconciliation; fails when GitHub or the record could not be read or written. */
  public Future<RecordStore.Reconciliation> runOnce() {
    if (running) {
      return Future.failedFuture(new IllegalStateException("a reconciliation is running"));
    }
    running = true;
    return github
        .listInstallations()
        .compose(this::withRepositories)
        .compose(all -> record.reconcile(all.installations(), all.repositories()))
        .onSuccess(
            r ->
                LOG.info(
                    "installations reconciled with GitHub: {} installations, {} marked deleted,"
                        + " {} repositories added, {} removed",
                    r.installations(),
                    r.markedDeleted(),
                    r.repositoriesAdded(),
                    r.repositoriesRemoved()))
        .onFailure(e -> LOG.warn("installation reconciliation failed: {}", e.getMessage()))
        .eventually(
            () -> {
              running = false;
              return Future.succeededFuture();
            });
  }

  private record Listing(
      List<AppInstallation> installations,
      Map<Long, List<AppInstallation.Repository>> repositories) {}

  /**
   * The repositories of each installation that is not suspended (a suspended one cannot mint a
   * token); one installation after the other, so a large App does not burst GitHub.
   */
  private Future<Listing> withRepositories(List<AppInstallation> installations) {
    Map<Long, List<AppInstallation.Repository>> repos = new HashMap<>();
    Future<Void> chain = Future.succeededFuture();
    for (AppInstallation i : installations) {
      if (i.suspendedAt() != null) {
        continue;
      }
      chain =
          chain.compose(
              v ->
                  github
                      .listInstallationRepositories(i.id())
                      .onSuccess(list -> repos.put(i.id(), list))
                      .recover(
                          e -> {
                            LOG.warn(
                                "installation {}: could not list its repositories ({}); keeping"
                                    + " the record's",
                                i.id(),
                                e.getMessage());
                            return Future.succeededFuture();
                          })
                      .mapEmpty());
    }
    return chain.map(v -> new Listing(installations, repos));
  }
}
