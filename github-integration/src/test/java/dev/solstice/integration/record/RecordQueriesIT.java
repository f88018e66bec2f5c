package dev.solstice.integration.record;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solstice.integration.record.RecordQueries.Delivery;
import dev.solstice.integration.record.RecordQueries.DeliveryFilter;
import dev.solstice.integration.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console's reads of the record against the machine's PostgreSQL, in a database of this class's
 * own migrated by Flyway: every filter narrows, pages are newest first and say whether more follow,
 * one delivery comes back whole, installations carry their repositories.
 */
class RecordQueriesIT {

  private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
  private static final UUID JOB = UUID.fromString("6f1c1e56-8a3e-4d7b-9a51-0f0e2b1d9a11");

  private static Vertx vertx;
  private static TestDatabase db;
  private static RecordQueries queries;

  @BeforeAll
  static void open() throws Exception {
    vertx = Vertx.vertx();
    db = TestDatabase.create();
    Migrations.migrate(db.url());
    // 30 deliveries a minute apart: 0..29; every third of octo/hello is parked, the rest published.
    for (int i = 0; i < 30; i++) {
      boolean hello = i % 2 == 0;
      db.execute(
          "INSERT INTO deliveries (delivery_id, event, action, installation_id, repository,"
              + " received_at, outcome, reason, attempts, request_ids) VALUES (?, ?, ?, ?, ?, ?, ?,"
              + " ?, ?, ?::uuid[])",
          "d-" + i,
          i % 5 == 0 ? "pull_request" : "push",
          i % 5 == 0 ? "opened" : null,
          hello ? 11L : 22L,
          hello ? "Octo/Hello" : "octo/other",
          Timestamp.from(T0.plusSeconds(60L * i)),
          i % 3 == 0 ? "parked" : "published",
          i % 3 == 0 ? "GitHub answered 502 eight times" : null,
          i % 3 == 0 ? 8 : 1,
          i == 4 ? "{" + JOB + "}" : "{}");
    }
    db.execute(
        "INSERT INTO installations (id, account_login, account_type, repository_selection)"
            + " VALUES (11, 'octo', 'Organization', 'selected'), (22, 'zed', 'User', 'all')");
    db.execute("UPDATE installations SET suspended_at = now() WHERE id = 22");
    db.execute(
        "INSERT INTO installation_repositories (installation_id, repository_id, full_name, private)"
            + " VALUES (11, 2, 'octo/zeta', true), (11, 1, 'octo/Alpha', false)");
    queries = new RecordQueries(vertx, db.url());
  }

  @AfterAll
  static void close() throws Exception {
    queries.close();
    vertx.close();
    db.close();
  }

  private static <T> T join(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static List<String> ids(RecordQueries.Page page) {
    return page.deliveries().stream().map(Delivery::deliveryId).toList();
  }

  @Test
  void pagesAreNewestFirstAndSayWhetherMoreFollow() throws Exception {
    RecordQueries.Page first = join(queries.deliveries(DeliveryFilter.ALL, 0, 12));
    assertThat(ids(first)).hasSize(12).startsWith("d-29", "d-28").endsWith("d-18");
    assertThat(first.more()).isTrue();
    RecordQueries.Page last = join(queries.deliveries(DeliveryFilter.ALL, 2, 12));
    assertThat(ids(last)).containsExactly("d-5", "d-4", "d-3", "d-2", "d-1", "d-0");
    assertThat(last.more()).isFalse();
    assertThat(last.page()).isEqualTo(2);
  }

  @Test
  void eachFilterNarrowsAndTheyCombine() throws Exception {
    assertThat(ids(join(queries.deliveries(filter(22L, null, null, null, null, null), 0, 50))))
        .hasSize(15)
        .allMatch(id -> Integer.parseInt(id.substring(2)) % 2 == 1);
    // repository compared without case
    assertThat(
            ids(
                join(
                    queries.deliveries(filter(null, "octo/hello", null, null, null, null), 0, 50))))
        .hasSize(15);
    assertThat(
            ids(
                join(
                    queries.deliveries(
                        filter(null, null, "pull_request", null, null, null), 0, 50))))
        .containsExactly("d-25", "d-20", "d-15", "d-10", "d-5", "d-0");
    assertThat(ids(join(queries.deliveries(filter(null, null, null, "parked", null, null), 0, 50))))
        .hasSize(10);
    assertThat(
            ids(
                join(
                    queries.deliveries(
                        filter(null, null, null, null, T0.plusSeconds(600), T0.plusSeconds(900)),
                        0,
                        50))))
        .containsExactly("d-14", "d-13", "d-12", "d-11", "d-10");
    assertThat(
            ids(
                join(
                    queries.deliveries(
                        filter(11L, "Octo/Hello", "pull_request", "parked", null, null), 0, 50))))
        .containsExactly("d-0");
    assertThat(ids(join(queries.deliveries(filter(99L, null, null, null, null, null), 0, 50))))
        .isEmpty();
  }

  @Test
  void oneDeliveryComesBackWhole() throws Exception {
    Delivery d = join(queries.delivery("d-4")).orElseThrow();
    assertThat(d.event()).isEqualTo("push");
    assertThat(d.installationId()).isEqualTo(11L);
    assertThat(d.repository()).isEqualTo("Octo/Hello");
    assertThat(d.outcome()).isEqualTo("published");
    assertThat(d.requestIds()).containsExactly(JOB);
    assertThat(d.receivedAt()).isEqualTo(T0.plusSeconds(240));
    assertThat(d.payloadStored()).isFalse();
    Delivery parked = join(queries.delivery("d-0")).orElseThrow();
    assertThat(parked.reason()).isEqualTo("GitHub answered 502 eight times");
    assertThat(parked.attempts()).isEqualTo(8);
    assertThat(parked.action()).isEqualTo("opened");
    assertThat(join(queries.delivery("no-such"))).isEmpty();
  }

  @Test
  void installationsCarryTheirRepositoriesActiveFirst() throws Exception {
    List<RecordQueries.Installation> list = join(queries.installations());
    assertThat(list).extracting(RecordQueries.Installation::id).containsExactly(11L, 22L);
    assertThat(list.get(0).state()).isEqualTo("active");
    assertThat(list.get(0).repositories())
        .extracting(RecordQueries.Repository::fullName)
        .containsExactly("octo/Alpha", "octo/zeta");
    assertThat(list.get(0).repositories().get(1).isPrivate()).isTrue();
    assertThat(list.get(1).state()).isEqualTo("suspended");
    assertThat(list.get(1).repositories()).isEmpty();
  }

  private static DeliveryFilter filter(
      Long installation, String repo, String event, String outcome, Instant from, Instant to) {
    return new DeliveryFilter(installation, repo, event, outcome, from, to);
  }
}
