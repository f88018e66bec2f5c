package dev.solstice.integration.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.solstice.integration.github.CapturedLogs;
import dev.solstice.integration.testing.TestDatabase;
import dev.solstice.integration.testing.VertxPerClass;
import dev.solstice.simulator.github.RecordedWebhooks;
import dev.solstice.simulator.github.SimulatorLauncher;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 15, the installation lifecycle against real PostgreSQL, RabbitMQ and the simulator: the
 * recorded {@code installation} and {@code installation_repositories} webhooks (from
 * {@code @octokit/webhooks-examples}, moved to the simulator's installation) update the record; a
 * push for a suspended or deleted installation makes no GitHub call and no JobRequest and is
 * recorded as ignored with the reason; the suspended installation's cached token is dropped; and
 * the reconciliation with {@code GET /app/installations} repairs a record that missed a deletion.
 */
class InstallationLifecycleIT extends VertxPerClass {

  private static final Duration WITHIN = Duration.ofSeconds(30);

  @RegisterExtension static final CapturedLogs LOGS = new CapturedLogs();

  @Test
  void lifecycleEventsUpdateTheRecordAndAGoneInstallationGetsNoWork() throws Exception {
    try (TestDatabase db = TestDatabase.create();
        GitHubStack s = GitHubStack.start(vertx, Map.of("DATABASE_URL", db.url()), LOGS)) {
      await().atMost(WITHIN).until(db::migrated);
      String jobs = s.service.config().jobs().queue();
      long id = GitHubStack.INSTALLATION;
      // The reconciliation at start writes installation 1 first (else it could race the events
      // below).
      await().atMost(WITHIN).until(() -> installations(db, "deleted_at IS NULL") == 1);

      String nothing = UUID.randomUUID().toString();
      assertThat(
              s.service.post("member", nothing, RecordedWebhooks.payload("ping.json")).statusCode())
          .isEqualTo(204);
      awaitOutcome(db, nothing, "ignored");
      assertThat(reason(db, nothing)).contains("does not trigger builds");

      String created = post(s, "installation", "installation.created.json");
      await()
          .atMost(WITHIN)
          .until(() -> installations(db, "deleted_at IS NULL AND suspended_at IS NULL") == 1);
      assertThat(db.row("SELECT account_login, account_type FROM installations WHERE id = ?", id))
          .containsEntry("account_login", "Codertocat")
          .containsEntry("account_type", "User");
      await().atMost(WITHIN).until(() -> repositories(db).contains("Codertocat/Hello-World"));
      awaitOutcome(db, created, "applied");

      post(s, "installation_repositories", "installation_repositories.added.json");
      await().atMost(WITHIN).until(() -> repositories(db).contains("Codertocat/Space"));
      // The recorded removal names a repository of another account: remove the one just added.
      JsonObject removal = fixture("installation_repositories.removed.json");
      removal.put(
          "repositories_removed",
          fixture("installation_repositories.added.json").getJsonArray("repositories_added"));
      post(s, "installation_repositories", removal);
      await().atMost(WITHIN).until(() -> !repositories(db).contains("Codertocat/Space"));
      post(s, "installation", "installation.new_permissions_accepted.json");

      String served = push(s, "a1");
      awaitOutcome(db, served, "published");
      assertThat(
              db.count(
                  "SELECT cardinality(request_ids) FROM deliveries WHERE delivery_id = ?", served))
          .isEqualTo(2);
      await().atMost(WITHIN).until(() -> s.service.broker().count(jobs) == 2);

      post(s, "installation", "installation.suspend.json");
      await().atMost(WITHIN).until(() -> installations(db, "suspended_at IS NOT NULL") == 1);
      int calls = s.sim.calls().size();
      String whileSuspended = push(s, "a2");
      awaitOutcome(db, whileSuspended, "ignored");
      assertThat(reason(db, whileSuspended)).contains("installation 1 is suspended");
      assertThat(s.sim.calls()).as("no GitHub call").hasSize(calls);
      assertThat(s.service.broker().count(jobs)).as("no JobRequest").isEqualTo(2);

      post(s, "installation", "installation.unsuspend.json");
      await().atMost(WITHIN).until(() -> installations(db, "suspended_at IS NULL") == 1);
      long mints = s.sim.mints();
      String again = push(s, "a3");
      awaitOutcome(db, again, "published");
      assertThat(s.sim.mints())
          .as("the token cached before the suspension was dropped: a new one is minted")
          .isGreaterThan(mints);
      await().atMost(WITHIN).until(() -> s.service.broker().count(jobs) == 4);

      post(s, "installation", "installation.deleted.json");
      await().atMost(WITHIN).until(() -> installations(db, "deleted_at IS NOT NULL") == 1);
      calls = s.sim.calls().size();
      String afterDeletion = push(s, "a4");
      awaitOutcome(db, afterDeletion, "ignored");
      assertThat(reason(db, afterDeletion)).contains("installation 1 is deleted");
      assertThat(s.sim.calls()).as("no GitHub call").hasSize(calls);
      assertThat(s.service.broker().count(jobs)).as("no JobRequest").isEqualTo(4);
      assertThat(s.sim.schemaViolations()).isEmpty();
      var meters = s.service.registry();
      assertThat(meters.get("solstice_installations_installed").counter().count()).isEqualTo(1);
      assertThat(meters.get("solstice_installations_uninstalled").counter().count()).isEqualTo(1);
      assertThat(
              meters
                  .get("solstice_deliveries_recorded")
                  .tag("outcome", "ignored")
                  .counter()
                  .count())
          .isEqualTo(3);
      s.registerSecrets(LOGS);
    }
  }

  @Test
  void reconciliationRepairsARecordThatMissedADeletionAndASuspension() throws Exception {
    try (TestDatabase db = TestDatabase.create();
        GitHubStack s =
            GitHubStack.start(
                vertx,
                Map.of("DATABASE_URL", db.url(), "INSTALLATIONS_SYNC_INTERVAL", "1h"),
                LOGS)) {
      await().atMost(WITHIN).until(db::migrated);
      // The record believes in an installation GitHub no longer has (its deletion was missed) and
      // in a repository installation 1 no longer grants.
      db.execute("INSERT INTO installations (id, account_login) VALUES (4242, 'ghost')");
      db.execute(
          "INSERT INTO installations (id, account_login) VALUES (1, 'Codertocat')"
              + " ON CONFLICT (id) DO NOTHING");
      db.execute(
          "INSERT INTO installation_repositories (installation_id, repository_id, full_name)"
              + " VALUES (1, 999999, 'Codertocat/Stale')");
      var sync = s.service.service().installationSync().orElseThrow();

      await()
          .atMost(WITHIN)
          .until(
              () ->
                  sync.runOnce().toCompletionStage().toCompletableFuture().handle((r, e) -> r).get()
                      != null);

      assertThat(
              db.count(
                  "SELECT count(*) FROM installations WHERE id = 4242 AND deleted_at IS NOT NULL"))
          .isEqualTo(1);
      assertThat(repositories(db))
          .singleElement()
          .asString()
          .as("the simulator answers names in lower case")
          .isEqualToIgnoringCase(GitHubStack.REPO);
      assertThat(installations(db, "deleted_at IS NULL AND suspended_at IS NULL")).isEqualTo(1);

      s.sim.suspendInstallation(GitHubStack.INSTALLATION, true);
      sync.runOnce().toCompletionStage().toCompletableFuture().get();
      assertThat(installations(db, "suspended_at IS NOT NULL")).isEqualTo(1);
      assertThat(s.sim.schemaViolations()).isEmpty();
      s.registerSecrets(LOGS);
    }
  }

  /** Posts a recorded lifecycle webhook moved to the simulator's installation; its delivery id. */
  private static String post(GitHubStack s, String event, String fixture) throws Exception {
    return post(s, event, fixture(fixture));
  }

  private static String post(GitHubStack s, String event, JsonObject body) throws Exception {
    String delivery = UUID.randomUUID().toString();
    assertThat(s.service.post(event, delivery, body.toBuffer().getBytes()).statusCode())
        .as(event + " " + body.getString("action"))
        .isEqualTo(202);
    return delivery;
  }

  private static JsonObject fixture(String name) {
    JsonObject body = new JsonObject(Buffer.buffer(RecordedWebhooks.payload(name)));
    body.getJsonObject("installation").put("id", GitHubStack.INSTALLATION);
    return body;
  }

  /** Pushes a commit whose workflow has two jobs; the delivery id. */
  private static String push(GitHubStack s, String tag) throws Exception {
    String sha = String.format("%040x", Long.parseLong(tag, 16) + 0xfeed0000L);
    s.sim.putFile(GitHubStack.REPO, sha, SimulatorLauncher.WORKFLOW_PATH, GitHubStack.TWO_JOBS);
    String delivery = UUID.randomUUID().toString();
    assertThat(s.service.post("push", delivery, GitHubStack.pushAt(sha)).statusCode())
        .isEqualTo(202);
    return delivery;
  }

  private static void awaitOutcome(TestDatabase db, String delivery, String outcome) {
    await()
        .atMost(WITHIN)
        .until(
            () ->
                db.count(
                        "SELECT count(*) FROM deliveries WHERE delivery_id = ? AND outcome = ?",
                        delivery,
                        outcome)
                    == 1);
  }

  private static String reason(TestDatabase db, String delivery) {
    return (String)
        db.row("SELECT reason FROM deliveries WHERE delivery_id = ?", delivery).get("reason");
  }

  private static long installations(TestDatabase db, String where) {
    return db.count(
        "SELECT count(*) FROM installations WHERE id = "
            + GitHubStack.INSTALLATION
            + " AND "
            + where);
  }

  private static java.util.List<Object> repositories(TestDatabase db) {
    return db
        .rows(
            "SELECT full_name FROM installation_repositories WHERE installation_id = ? ORDER BY 1",
            GitHubStack.INSTALLATION)
        .stream()
        .map(r -> r.get("full_name"))
        .toList();
  }
}
