package dev.solstice.integration.recovery;

import dev.solstice.integration.github.AppInstallation;
import dev.solstice.integration.github.GitHubClient;
import dev.solstice.integration.record.RecordStore;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciliation (issue 15): run at start and every {@code INSTALLATIONS_SYNC_INTERVAL} (the wiring
 * keeps the timer), lists the App's installations ({@code GET /app/installations}) and each active
 * one's repositories ({@code GET /installation/repositories}), all pages, and makes the record
 * agree, so it heals after missed {@code installation} events. A run that fails is logged and tried
 * again at the next tick.
 */
public final class InstallationSync {

  private static final Logger LOG = LoggerFactory.getLogger(InstallationSync.class);

  private final GitHubClient github;
  private final RecordStore record;
  private boolean running;

  public InstallationSync(GitHubClient github, RecordStore record) {
    this.github = github;
    this.record = record;
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
