package dev.solstice.integration.recovery;

import dev.solstice.integration.github.GitHubClient;
import dev.solstice.integration.github.HookDelivery;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * GitHub's "Redeliver" button for one delivery, by its {@code X-GitHub-Delivery} id: finds the
 * delivery's newest attempt in the App's delivery log ({@code GET /app/hook/deliveries}, newest
 * first, at most {@code maxPages} pages) and asks GitHub to send it again ({@code POST
 * /app/hook/deliveries/{id}/attempts}), the same calls {@link MissedDeliveryJob} makes. A delivery
 * the delivery ledger has processed is dropped again when it arrives, so asking twice is harmless.
 */
public final class Redelivery {

  private final GitHubClient github;
  private final int maxPages;

  public Redelivery(GitHubClient github, int maxPages) {
    this.github = github;
    this.maxPages = maxPages;
  }

  /**
   * Asks GitHub to redeliver {@code guid}; answers the attempt redelivered, or empty when the log
   * (as far as it was read) has no attempt of it: GitHub keeps deliveries for three days.
   */
  public Future<Optional<HookDelivery>> redeliver(String guid) {
    return find(guid, null, 0)
        .compose(
            found ->
                found.isEmpty()
                    ? Future.succeededFuture(found)
                    : github.redeliver(found.get().id()).map(found));
  }

  /**
   * The attempts of {@code guid} in the newest {@code pages} pages of the App's delivery log,
   * newest first: what GitHub's "Recent deliveries" shows of it.
   */
  public Future<List<HookDelivery>> attempts(String guid, int pages) {
    return collect(guid, null, Math.min(pages, maxPages), new ArrayList<>());
  }

  private Future<List<HookDelivery>> collect(
      String guid, String cursor, int pagesLeft, List<HookDelivery> into) {
    return github
        .listHookDeliveries(cursor)
        .compose(
            page -> {
              page.deliveries().stream().filter(d -> guid.equals(d.guid())).forEach(into::add);
              if (page.nextCursor().isEmpty() || pagesLeft <= 1) {
                into.sort(Comparator.comparingLong(HookDelivery::id).reversed());
                return Future.succeededFuture(List.copyOf(into));
              }
              return collect(guid, page.nextCursor().get(), pagesLeft - 1, into);
            });
  }

  private Future<Optional<HookDelivery>> find(String guid, String cursor, int pages) {
    return github
        .listHookDeliveries(cursor)
        .compose(
            page -> {
              Optional<HookDelivery> newest =
                  page.deliveries().stream()
                      .filter(d -> guid.equals(d.guid()))
                      .max(Comparator.comparingLong(HookDelivery::id));
              if (newest.isPresent() || page.nextCursor().isEmpty() || pages + 1 >= maxPages) {
                return Future.succeededFuture(newest);
              }
              return find(guid, page.nextCursor().get(), pages + 1);
            });
  }
}
