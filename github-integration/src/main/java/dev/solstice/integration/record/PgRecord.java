package dev.solstice.integration.record;

import dev.solstice.integration.core.InstallationChange;
import dev.solstice.integration.core.InstallationStatus;
import dev.solstice.integration.github.AppInstallation;
import dev.solstice.integration.github.TokenCipher;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** The record in PostgreSQL, through Vert.x's reactive client. */
final class PgRecord implements RecordStore {

  private static final long READ_TIMEOUT_MS = 2_000;

  static final String UPSERT_DELIVERY =
      """
      INSERT INTO deliveries (delivery_id, event, action, installation_id, repository, received_at,
                              outcome, reason, attempts, request_ids, payload_encrypted, updated_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now())
      ON CONFLICT (delivery_id) DO UPDATE SET
        action = COALESCE(EXCLUDED.action, deliveries.action),
        installation_id = COALESCE(EXCLUDED.installation_id, deliveries.installation_id),
        repository = COALESCE(EXCLUDED.repository, deliveries.repository),
        outcome = CASE WHEN EXCLUDED.outcome = 'received' THEN deliveries.outcome
                       ELSE EXCLUDED.outcome END,
        reason = CASE WHEN EXCLUDED.outcome = 'received' THEN deliveries.reason
                      ELSE EXCLUDED.reason END,
        attempts = GREATEST(deliveries.attempts, EXCLUDED.attempts),
        request_ids = CASE WHEN cardinality(EXCLUDED.request_ids) > 0 THEN EXCLUDED.request_ids
                           ELSE deliveries.request_ids END,
        payload_encrypted = COALESCE(deliveries.payload_encrypted, EXCLUDED.payload_encrypted),
        updated_at = now()
      """;

  static final String UPSERT_INSTALLATION =
      """
      INSERT INTO installations (id, account_login, account_type, repository_selection, permissions,
                                 events, suspended_at, deleted_at, created_at, updated_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now(), $9)
      ON CONFLICT (id) DO UPDATE SET
        account_login = COALESCE(EXCLUDED.account_login, installations.account_login),
        account_type = COALESCE(EXCLUDED.account_type, installations.account_type),
        repository_selection = COALESCE(EXCLUDED.repository_selection,
                                        installations.repository_selection),
        permissions = EXCLUDED.permissions,
        events = EXCLUDED.events,
        suspended_at = EXCLUDED.suspended_at,
        deleted_at = EXCLUDED.deleted_at,
        updated_at = EXCLUDED.updated_at
      """;

  static final String ADD_REPOSITORY =
      """
      INSERT INTO installation_repositories (installation_id, repository_id, full_name, private)
      VALUES ($1, $2, $3, $4)
      ON CONFLICT (installation_id, repository_id) DO UPDATE SET full_name = EXCLUDED.full_name,
        private = EXCLUDED.private
      """;

  static final String REMOVE_REPOSITORY =
      "DELETE FROM installation_repositories WHERE installation_id = $1 AND repository_id = $2";

  private final Vertx vertx;
  private final Pool pool;
  private final RecordSettings settings;
  private final WriteBehind writes;
  private final RecordMetrics metrics;
  private final TokenCipher cipher;
  private final Clock clock;

  /** Changes this process applied, newest per installation, ahead of the database. */
  private final Map<Long, Seen> seen = new ConcurrentHashMap<>();

  private final io.vertx.core.Promise<Void> migrated = io.vertx.core.Promise.promise();
  private final AtomicLong activeInstallations = new AtomicLong();
  private final AtomicLong repositories = new AtomicLong();

  private record Seen(InstallationStatus status, Instant at) {}

  PgRecord(Vertx vertx, RecordSettings settings, MeterRegistry registry, Clock clock) {
    this.vertx = vertx;
    this.settings = settings;
    this.clock = clock;
    PgConnectOptions connect = PgConnectOptions.fromUri(settings.databaseUrl());
    this.pool =
        PgBuilder.pool()
            .with(new PoolOptions().setMaxSize(4).setMaxWaitQueueSize(1_000))
            .with(new io.vertx.core.net.NetClientOptions().setConnectTimeout(5_000))
            .connectingTo(connect)
            .using(vertx)
            .build();
    this.writes = new WriteBehind(vertx, pool, settings.bufferSize());
    this.metrics = new RecordMetrics(registry);
    this.cipher = settings.storePayloads() ? new TokenCipher(settings.payloadKey()) : null;
    Gauge.builder("solstice_installations_active", activeInstallations, AtomicLong::get)
        .description("installations neither deleted nor suspended, as of the last count")
        .register(registry);
    Gauge.builder("solstice_installation_repositories", repositories, AtomicLong::get)
        .description("repositories of active installations, as of the last count")
        .register(registry);
    Gauge.builder("solstice_record_pending_writes", writes, WriteBehind::pending)
        .description("record writes waiting for PostgreSQL")
        .register(registry);
    Gauge.builder("solstice_record_dropped_writes", writes, w -> (double) w.dropped())
        .description("record writes dropped because the buffer was full")
        .register(registry);
  }

  @Override
  public void delivery(DeliveryEntry e) {
    metrics.delivery(e);
    String payload =
        cipher == null || e.payload() == null
            ? null
            : cipher.encrypt(new String(e.payload(), StandardCharsets.UTF_8), e.deliveryId());
    writes.add(
        new WriteBehind.Write(
            UPSERT_DELIVERY,
            Tuple.from(
                new Object[] {
                  e.deliveryId(),
                  e.event(),
                  e.action(),
                  e.installationId(),
                  e.repository(),
                  utc(e.receivedAt()),
                  e.outcome().column(),
                  e.reason(),
                  e.attempts(),
                  e.requestIds().toArray(new UUID[0]),
                  payload
                }),
            "delivery " + e.deliveryId() + " (" + e.outcome().column() + ")"));
  }

  @Override
  public void apply(InstallationChange c) {
    metrics.change(c);
    Instant now = clock.instant();
    seen.put(c.installationId(), new Seen(c.status(), now));
    String what = c.event() + " " + c.action() + " of installation " + c.installationId();
    if ("installation".equals(c.event())) {
      writes.add(
          new WriteBehind.Write(
              UPSERT_INSTALLATION,
              Tuple.from(
                  new Object[] {
                    c.installationId(),
                    c.accountLogin(),
                    c.accountType(),
                    c.repositorySelection(),
                    new JsonObject(Map.copyOf(c.permissions())),
                    new JsonArray(List.copyOf(c.events())),
                    c.status() == InstallationStatus.SUSPENDED
                        ? utc(c.suspendedAt() != null ? c.suspendedAt() : now)
                        : null,
                    c.status() == InstallationStatus.DELETED ? utc(now) : null,
                    utc(now)
                  }),
              what));
    } else {
      // installation_repositories: the installation row must exist for the repositories' key.
      writes.add(
          new WriteBehind.Write(
              "INSERT INTO installations (id, account_login, account_type, repository_selection,"
                  + " updated_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO UPDATE SET"
                  + " repository_selection = COALESCE(EXCLUDED.repository_selection,"
                  + " installations.repository_selection), updated_at = EXCLUDED.updated_at",
              Tuple.of(
                  c.installationId(),
                  c.accountLogin(),
                  c.accountType(),
                  c.repositorySelection(),
                  utc(now)),
              what));
    }
    for (InstallationChange.Repository r : c.added()) {
      writes.add(
          new WriteBehind.Write(
              ADD_REPOSITORY,
              Tuple.of(c.installationId(), r.id(), r.fullName(), r.isPrivate()),
              what + ": add " + r.fullName()));
    }
    for (InstallationChange.Repository r : c.removed()) {
      writes.add(
          new WriteBehind.Write(
              REMOVE_REPOSITORY,
              Tuple.of(c.installationId(), r.id()),
              what + ": remove " + r.fullName()));
    }
  }

  @Override
  public Future<InstallationStatus> status(long installationId) {
    Seen local = seen.get(installationId);
    return pool.preparedQuery(
            "SELECT suspended_at, deleted_at, updated_at FROM installations WHERE id = $1")
        .execute(Tuple.of(installationId))
        .timeout(READ_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .map(
            rows -> {
              if (!rows.iterator().hasNext()) {
                return local == null ? InstallationStatus.UNKNOWN : local.status();
              }
              Row row = rows.iterator().next();
              OffsetDateTime updated = row.getOffsetDateTime("updated_at");
              if (local != null && !local.at().isBefore(updated.toInstant())) {
                return local.status(); // this process saw a newer change than the database has
              }
              return row.getValue("deleted_at") != null
                  ? InstallationStatus.DELETED
                  : row.getValue("suspended_at") != null
                      ? InstallationStatus.SUSPENDED
                      : InstallationStatus.ACTIVE;
            })
        .otherwise(e -> local == null ? InstallationStatus.UNKNOWN : local.status());
  }

  @Override
  public Future<List<String>> deliveriesWithJobs(long installationId, int limit) {
    return pool.preparedQuery(
            "SELECT delivery_id FROM deliveries WHERE installation_id = $1"
                + " AND cardinality(request_ids) > 0 ORDER BY received_at DESC LIMIT $2")
        .execute(Tuple.of(installationId, limit))
        .timeout(READ_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .map(
            rows -> {
              List<String> ids = new ArrayList<>();
              rows.forEach(r -> ids.add(r.getString(0)));
              return ids;
            });
  }

  @Override
  public Future<Reconciliation> reconcile(
      List<AppInstallation> installations,
      Map<Long, List<AppInstallation.Repository>> repositoriesOf) {
    return pool.withTransaction(conn -> reconcile(conn, installations, repositoriesOf))
        .compose(r -> count().map(r));
  }

  private Future<Reconciliation> reconcile(
      SqlConnection conn,
      List<AppInstallation> installations,
      Map<Long, List<AppInstallation.Repository>> repositoriesOf) {
    Instant now = clock.instant();
    List<Tuple> upserts = new ArrayList<>();
    Set<Long> listed = new HashSet<>();
    for (AppInstallation i : installations) {
      listed.add(i.id());
      upserts.add(
          Tuple.from(
              new Object[] {
                i.id(),
                i.accountLogin(),
                i.accountType(),
                i.repositorySelection(),
                new JsonObject(Map.copyOf(i.permissions())),
                new JsonArray(List.copyOf(i.events())),
                utc(i.suspendedAt()),
                null,
                utc(now)
              }));
    }
    Long[] ids = listed.toArray(new Long[0]);
    Future<Integer> gone =
        conn.preparedQuery(
                "UPDATE installations SET deleted_at = $1, updated_at = $1"
                    + " WHERE deleted_at IS NULL AND NOT (id = ANY($2)) RETURNING id")
            .execute(Tuple.of(utc(now), (Object) ids))
            .map(rows -> rows.rowCount());
    Future<Void> upserted =
        upserts.isEmpty()
            ? Future.succeededFuture()
            : conn.preparedQuery(UPSERT_INSTALLATION).executeBatch(upserts).mapEmpty();
    int[] added = {0};
    int[] removed = {0};
    Future<Void> repos = Future.succeededFuture();
    for (AppInstallation i : installations) {
      List<AppInstallation.Repository> list = repositoriesOf.get(i.id());
      if (list == null) {
        continue; // its repositories could not be read: keep what the record has
      }
      Long[] keep = list.stream().map(AppInstallation.Repository::id).toArray(Long[]::new);
      repos =
          repos
              .compose(
                  v ->
                      conn.preparedQuery(
                              "DELETE FROM installation_repositories WHERE installation_id = $1"
                                  + " AND NOT (repository_id = ANY($2))")
                          .execute(Tuple.of(i.id(), (Object) keep)))
              .compose(
                  rows -> {
                    removed[0] += rows.rowCount();
                    if (list.isEmpty()) {
                      return Future.succeededFuture();
                    }
                    return conn.preparedQuery(ADD_REPOSITORY + " RETURNING (xmax = 0) AS inserted")
                        .executeBatch(
                            list.stream()
                                .map(r -> Tuple.of(i.id(), r.id(), r.fullName(), r.isPrivate()))
                                .toList())
                        .map(
                            result -> {
                              for (var rs = result; rs != null; rs = rs.next()) {
                                rs.forEach(
                                    row -> {
                                      if (Boolean.TRUE.equals(row.getBoolean("inserted"))) {
                                        added[0]++;
                                      }
                                    });
                              }
                              return null;
                            });
                  });
    }
    Future<Void> reposDone = repos;
    return gone.compose(
        markedDeleted ->
            upserted
                .compose(v -> reposDone)
                .map(
                    v ->
                        new Reconciliation(
                            installations.size(), markedDeleted, added[0], removed[0])));
  }

  /** Refreshes the active installations and repositories gauges. */
  Future<Void> count() {
    return pool.query(
            "SELECT (SELECT count(*) FROM installations WHERE deleted_at IS NULL"
                + " AND suspended_at IS NULL),"
                + " (SELECT count(*) FROM installation_repositories r JOIN installations i"
                + " ON i.id = r.installation_id WHERE i.deleted_at IS NULL"
                + " AND i.suspended_at IS NULL)")
        .execute()
        .timeout(READ_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .map(
            rows -> {
              Row row = rows.iterator().next();
              activeInstallations.set(row.getLong(0));
              repositories.set(row.getLong(1));
              return null;
            });
  }

  @Override
  public Future<Integer> deleteExpiredDeliveries() {
    return pool.preparedQuery("DELETE FROM deliveries WHERE received_at < $1")
        .execute(Tuple.of(utc(clock.instant().minus(settings.retention()))))
        .map(rows -> rows.rowCount());
  }

  /** Lets the buffered writes go to the database: call once the schema is migrated. */
  void migrated() {
    writes.open();
    migrated.tryComplete();
  }

  @Override
  public Future<Void> ready() {
    return migrated.future();
  }

  @Override
  public int pending() {
    return writes.pending();
  }

  @Override
  public long dropped() {
    return writes.dropped();
  }

  @Override
  public boolean enabled() {
    return true;
  }

  @Override
  public Future<Void> close() {
    writes.close();
    return pool.close();
  }

  private static OffsetDateTime utc(Instant at) {
    return at == null ? null : at.atOffset(ZoneOffset.UTC);
  }
}
