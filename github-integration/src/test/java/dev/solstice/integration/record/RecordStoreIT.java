package dev.solstice.integration.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.solstice.integration.core.InstallationChange;
import dev.solstice.integration.core.InstallationStatus;
import dev.solstice.integration.github.AppInstallation;
import dev.solstice.integration.github.CapturedLogs;
import dev.solstice.integration.testing.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The record against the machine's PostgreSQL, in a database of this class's own: Flyway migrates
 * an empty database, writes land behind the caller with the latest outcome winning, retention
 * deletes what is past the window, installation changes answer their status, reconciliation
 * repairs, and a full buffer says what it dropped.
 */
class RecordStoreIT {

  private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
  private static final Duration WITHIN = Duration.ofSeconds(20);

  @RegisterExtension static final CapturedLogs LOGS = new CapturedLogs();

  private static Vertx vertx;
  private static TestDatabase db;
  private static RecordStore record;

  @BeforeAll
  static void open() throws Exception {
    vertx = Vertx.vertx();
    db = TestDatabase.create();
    record =
        Records.open(
            vertx,
            settings(db.url(), 10_000),
            new SimpleMeterRegistry(),
            Clock.fixed(NOW, ZoneOffset.UTC));
    await().atMost(WITHIN).until(db::migrated);
  }

  @AfterAll
  static void close() throws Exception {
    join(record.close());
    vertx.close();
    db.close();
  }

  private static RecordSettings settings(String url, int buffer) {
    return new RecordSettings(url, Duration.ofDays(30), false, null, Duration.ofHours(6), buffer);
  }

  @Test
  void migratesAnEmptyDatabaseToTheNewestVersion() {
    join(record.ready());
    assertThat(db.rows("SELECT version FROM flyway_schema_history WHERE success ORDER BY 1"))
        .extracting(r -> r.get("version"))
        .containsExactly("1", "2");
    assertThat(
            db.rows(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"))
        .extracting(r -> r.get("table_name"))
        .contains("installations", "installation_repositories", "deliveries");
    assertThat(record.enabled()).isTrue();
  }

  @Test
  void migratesFromThePreviousVersionKeepingTheRows() throws Exception {
    try (TestDatabase previous = TestDatabase.create()) {
      assertThat(Migrations.migrate(previous.url(), "1")).isEqualTo("1");
      previous.execute(
          "INSERT INTO deliveries (delivery_id, event, received_at, outcome)"
              + " VALUES ('kept', 'push', now(), 'published')");

      assertThat(Migrations.migrate(previous.url())).isEqualTo("2");

      assertThat(previous.count("SELECT count(*) FROM deliveries WHERE delivery_id = 'kept'"))
          .isEqualTo(1);
      assertThat(
              previous.count(
                  "SELECT count(*) FROM pg_indexes WHERE indexname ="
                      + " 'deliveries_outcome_received_at'"))
          .isEqualTo(1);
    }
  }

  @Test
  void keepsTheLatestOutcomeOfEachDeliveryAndALateReceivedDoesNotUndoIt() {
    String id = UUID.randomUUID().toString();
    UUID job = UUID.randomUUID();
    record.delivery(DeliveryEntry.received(id, "push", NOW, null));
    record.delivery(
        new DeliveryEntry(
            id,
            "push",
            null,
            7L,
            "acme/widgets",
            NOW,
            DeliveryEntry.Outcome.PUBLISHED,
            null,
            1,
            List.of(job),
            null));
    record.delivery(DeliveryEntry.received(id, "push", NOW, null));
    await().atMost(WITHIN).until(() -> record.pending() == 0 && db.count(delivery(id)) == 1);
    Map<String, Object> row =
        db.row(
            "SELECT outcome, installation_id, repository, request_ids::text AS ids,"
                + " payload_encrypted FROM deliveries WHERE delivery_id = ?",
            id);
    assertThat(row.get("outcome")).isEqualTo("published");
    assertThat(row.get("installation_id")).isEqualTo(7L);
    assertThat(row.get("repository")).isEqualTo("acme/widgets");
    assertThat(row.get("ids")).isEqualTo("{" + job + "}");
    assertThat(row.get("payload_encrypted")).as("bodies are not stored by default").isNull();
  }

  @Test
  void deletesDeliveriesPastTheRetentionWindow() {
    String old = UUID.randomUUID().toString();
    String recent = UUID.randomUUID().toString();
    record.delivery(DeliveryEntry.received(old, "push", NOW.minus(Duration.ofDays(31)), null));
    record.delivery(DeliveryEntry.received(recent, "push", NOW.minus(Duration.ofDays(29)), null));
    await()
        .atMost(WITHIN)
        .until(() -> db.count(delivery(old)) == 1 && db.count(delivery(recent)) == 1);

    assertThat(join(record.deleteExpiredDeliveries())).isGreaterThanOrEqualTo(1);

    assertThat(db.count(delivery(old))).isZero();
    assertThat(db.count(delivery(recent))).isEqualTo(1);
  }

  @Test
  void installationChangesUpdateTheTablesAndTheStatus() {
    long id = 9_001;
    var repo = new InstallationChange.Repository(501, "acme/one", false);
    record.apply(change("installation", "created", id, null, List.of(repo), List.of()));
    assertThat(join(record.status(id))).isEqualTo(InstallationStatus.ACTIVE);
    await()
        .atMost(WITHIN)
        .until(
            () ->
                db.count(
                        "SELECT count(*) FROM installation_repositories WHERE installation_id = "
                            + id)
                    == 1);

    var two = new InstallationChange.Repository(502, "acme/two", true);
    record.apply(change("installation_repositories", "added", id, null, List.of(two), List.of()));
    record.apply(
        change("installation_repositories", "removed", id, null, List.of(), List.of(repo)));
    await()
        .atMost(WITHIN)
        .untilAsserted(
            () ->
                assertThat(
                        db.rows(
                            "SELECT full_name FROM installation_repositories WHERE"
                                + " installation_id = ?",
                            id))
                    .extracting(r -> r.get("full_name"))
                    .containsExactly("acme/two"));

    record.apply(change("installation", "suspend", id, NOW, List.of(), List.of()));
    assertThat(join(record.status(id))).isEqualTo(InstallationStatus.SUSPENDED);
    record.apply(change("installation", "unsuspend", id, null, List.of(), List.of()));
    assertThat(join(record.status(id))).isEqualTo(InstallationStatus.ACTIVE);
    record.apply(change("installation", "deleted", id, null, List.of(), List.of()));
    assertThat(join(record.status(id))).isEqualTo(InstallationStatus.DELETED);
    await()
        .atMost(WITHIN)
        .until(
            () ->
                db.count(
                        "SELECT count(*) FROM installations WHERE deleted_at IS NOT NULL AND id = "
                            + id)
                    == 1);
    assertThat(join(record.status(9_999))).isEqualTo(InstallationStatus.UNKNOWN);
  }

  @Test
  void reconciliationMarksWhatGitHubNoLongerListsAndRepairsRepositories() {
    long kept = 9_101;
    long missed = 9_102;
    db.execute(
        "INSERT INTO installations (id, account_login) VALUES (?, 'acme'), (?, 'gone')",
        kept,
        missed);
    db.execute(
        "INSERT INTO installation_repositories (installation_id, repository_id, full_name)"
            + " VALUES (?, 1, 'acme/stale')",
        kept);
    var listed =
        new AppInstallation(
            kept,
            "acme",
            "Organization",
            "selected",
            Map.of("checks", "write"),
            List.of("push"),
            null);

    RecordStore.Reconciliation r =
        join(
            record.reconcile(
                List.of(listed),
                Map.of(kept, List.of(new AppInstallation.Repository(2, "acme/fresh", false)))));

    assertThat(r.markedDeleted()).isGreaterThanOrEqualTo(1);
    assertThat(r.repositoriesAdded()).isEqualTo(1);
    assertThat(r.repositoriesRemoved()).isEqualTo(1);
    assertThat(join(record.status(missed))).isEqualTo(InstallationStatus.DELETED);
    assertThat(join(record.status(kept))).isEqualTo(InstallationStatus.ACTIVE);
    assertThat(
            db.rows(
                "SELECT full_name FROM installation_repositories WHERE installation_id = ?", kept))
        .extracting(x -> x.get("full_name"))
        .containsExactly("acme/fresh");
  }

  @Test
  void replicasStartingTogetherMigrateOnceAndAllWrite() throws Exception {
    try (TestDatabase fresh = TestDatabase.create()) {
      List<RecordStore> replicas = new java.util.ArrayList<>();
      List<String> ids = new java.util.ArrayList<>();
      for (int i = 0; i < 3; i++) {
        RecordStore r =
            Records.open(
                vertx, settings(fresh.url(), 100), new SimpleMeterRegistry(), Clock.systemUTC());
        replicas.add(r);
        String id = UUID.randomUUID().toString();
        ids.add(id);
        r.delivery(DeliveryEntry.received(id, "push", NOW, null));
      }
      try {
        await()
            .atMost(WITHIN)
            .until(() -> fresh.migrated() && fresh.count("SELECT count(*) FROM deliveries") == 3);
        assertThat(fresh.count("SELECT count(*) FROM flyway_schema_history WHERE version = '1'"))
            .as("Flyway's lock: one migration for three replicas")
            .isEqualTo(1);
      } finally {
        replicas.forEach(r -> join(r.close()));
      }
    }
  }

  @Test
  void storedPayloadsAreEncryptedWithTheTokenCacheKey() throws Exception {
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    RecordStore storing =
        Records.open(
            vertx,
            new RecordSettings(db.url(), Duration.ofDays(30), true, key, Duration.ofHours(6), 100),
            new SimpleMeterRegistry(),
            Clock.systemUTC());
    try {
      String id = UUID.randomUUID().toString();
      String body = "{\"ref\":\"refs/heads/main\"}";
      storing.delivery(
          DeliveryEntry.received(
              id, "push", NOW, body.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      await().atMost(WITHIN).until(() -> db.count(delivery(id)) == 1);
      String stored =
          (String)
              db.row("SELECT payload_encrypted FROM deliveries WHERE delivery_id = ?", id)
                  .get("payload_encrypted");
      assertThat(stored).doesNotContain("refs/heads");
      assertThat(new dev.solstice.integration.github.TokenCipher(key).decrypt(stored, id))
          .isEqualTo(body);
    } finally {
      join(storing.close());
    }
  }

  @Test
  void aFullBufferDropsTheOldestWritesAndSaysWhich() {
    // Nothing listens on port 1: the schema never migrates, so writes only queue up. The
    // password must not show in any log line.
    String password = "pw-" + UUID.randomUUID();
    LOGS.secret(password);
    RecordStore unreachable =
        Records.open(
            vertx,
            settings("postgresql://postgres:" + password + "@127.0.0.1:1/none", 2),
            new SimpleMeterRegistry(),
            Clock.systemUTC());
    try {
      String first = UUID.randomUUID().toString();
      unreachable.delivery(DeliveryEntry.received(first, "push", NOW, null));
      unreachable.delivery(DeliveryEntry.received(UUID.randomUUID().toString(), "push", NOW, null));
      unreachable.delivery(DeliveryEntry.received(UUID.randomUUID().toString(), "push", NOW, null));
      assertThat(unreachable.pending()).isEqualTo(2);
      assertThat(unreachable.dropped()).isEqualTo(1);
      assertThat(LOGS.lines())
          .anyMatch(l -> l.contains("dropped the write of delivery " + first + " (received)"));
    } finally {
      join(unreachable.close());
    }
  }

  private static String delivery(String id) {
    return "SELECT count(*) FROM deliveries WHERE delivery_id = '" + id + "'";
  }

  private static InstallationChange change(
      String event,
      String action,
      long id,
      Instant suspendedAt,
      List<InstallationChange.Repository> added,
      List<InstallationChange.Repository> removed) {
    return new InstallationChange(
        event,
        action,
        id,
        "acme",
        "Organization",
        "selected",
        Map.of("checks", "write"),
        List.of("push"),
        suspendedAt,
        added,
        removed);
  }

  private static <T> T join(Future<T> f) {
    try {
      return f.toCompletionStage()
          .toCompletableFuture()
          .get(20, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
