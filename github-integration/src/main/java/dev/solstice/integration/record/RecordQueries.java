package dev.solstice.integration.record;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * What the operator console reads from the record: deliveries by filter, newest first and paged,
 * one delivery, installations with their repositories. Read-only, on a small pool of its own, so a
 * slow console query never holds a connection the write-behind needs.
 */
public final class RecordQueries implements AutoCloseable {

  private static final long TIMEOUT_MS = 5_000;

  /** Most deliveries on one page. */
  public static final int MAX_PAGE = 200;

  private final Pool pool;

  public RecordQueries(Vertx vertx, String databaseUrl) {
    this.pool =
        PgBuilder.pool()
            .with(new PoolOptions().setMaxSize(2).setMaxWaitQueueSize(100))
            .with(new io.vertx.core.net.NetClientOptions().setConnectTimeout(5_000))
            .connectingTo(PgConnectOptions.fromUri(databaseUrl))
            .using(vertx)
            .build();
  }

  /**
   * Which deliveries to show; a null field does not filter.
   *
   * @param repository {@code owner/name}, compared without case
   * @param outcome one of {@link DeliveryEntry.Outcome}, lower case
   * @param from received at or after
   * @param to received before
   */
  public record DeliveryFilter(
      Long installationId,
      String repository,
      String event,
      String outcome,
      Instant from,
      Instant to) {
    public static final DeliveryFilter ALL = new DeliveryFilter(null, null, null, null, null, null);
  }

  /** One delivery as the record has it. */
  public record Delivery(
      String deliveryId,
      String event,
      String action,
      Long installationId,
      String repository,
      Instant receivedAt,
      Instant updatedAt,
      String outcome,
      String reason,
      int attempts,
      List<UUID> requestIds,
      boolean payloadStored) {}

  /** A page of deliveries, and whether an older page follows. */
  public record Page(List<Delivery> deliveries, int page, boolean more) {}

  /** An installation and the repositories the record has for it. */
  public record Installation(
      long id,
      String accountLogin,
      String accountType,
      String repositorySelection,
      Instant suspendedAt,
      Instant deletedAt,
      Instant updatedAt,
      List<Repository> repositories) {
    public String state() {
      return deletedAt != null ? "deleted" : suspendedAt != null ? "suspended" : "active";
    }
  }

  public record Repository(long id, String fullName, Boolean isPrivate) {}

  private static final String DELIVERY_COLUMNS =
      "delivery_id, event, action, installation_id, repository, received_at, updated_at, outcome,"
          + " reason, attempts, request_ids, payload_encrypted IS NOT NULL AS payload_stored";

  /** Deliveries matching {@code filter}, newest first; {@code page} counts from 0. */
  public Future<Page> deliveries(DeliveryFilter filter, int page, int size) {
    int limit = Math.max(1, Math.min(size, MAX_PAGE));
    int offset = Math.max(0, page) * limit;
    List<Object> args = new ArrayList<>();
    List<String> where = new ArrayList<>();
    if (filter.installationId() != null) {
      args.add(filter.installationId());
      where.add("installation_id = $" + args.size());
    }
    if (filter.repository() != null) {
      args.add(filter.repository().toLowerCase(Locale.ROOT));
      where.add("lower(repository) = $" + args.size());
    }
    if (filter.event() != null) {
      args.add(filter.event());
      where.add("event = $" + args.size());
    }
    if (filter.outcome() != null) {
      args.add(filter.outcome());
      where.add("outcome = $" + args.size());
    }
    if (filter.from() != null) {
      args.add(utc(filter.from()));
      where.add("received_at >= $" + args.size());
    }
    if (filter.to() != null) {
      args.add(utc(filter.to()));
      where.add("received_at < $" + args.size());
    }
    args.add(limit + 1);
    String sql =
        "SELECT "
            + DELIVERY_COLUMNS
            + " FROM deliveries"
            + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
            + " ORDER BY received_at DESC, delivery_id LIMIT $"
            + args.size()
            + " OFFSET "
            + offset;
    return pool.preparedQuery(sql)
        .execute(Tuple.from(args))
        .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .map(
            rows -> {
              List<Delivery> list = new ArrayList<>();
              rows.forEach(r -> list.add(delivery(r)));
              boolean more = list.size() > limit;
              return new Page(more ? list.subList(0, limit) : list, Math.max(0, page), more);
            });
  }

  /** One delivery by its {@code X-GitHub-Delivery} id. */
  public Future<Optional<Delivery>> delivery(String deliveryId) {
    return pool.preparedQuery(
            "SELECT " + DELIVERY_COLUMNS + " FROM deliveries WHERE delivery_id = $1")
        .execute(Tuple.of(deliveryId))
        .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .map(
            rows ->
                rows.iterator().hasNext()
                    ? Optional.of(delivery(rows.iterator().next()))
                    : Optional.empty());
  }

  /** Every installation the record knows, active first, each with its repositories by name. */
  public Future<List<Installation>> installations() {
    return pool.query(
            "SELECT i.id, i.account_login, i.account_type, i.repository_selection,"
                + " i.suspended_at, i.deleted_at, i.updated_at,"
                + " COALESCE(array_agg(r.repository_id ORDER BY lower(r.full_name))"
                + "   FILTER (WHERE r.repository_id IS NOT NULL), '{}') AS repo_ids,"
                + " COALESCE(array_agg(r.full_name ORDER BY lower(r.full_name))"
                + "   FILTER (WHERE r.repository_id IS NOT NULL), '{}') AS repo_names,"
                + " COALESCE(array_agg(r.private ORDER BY lower(r.full_name))"
                + "   FILTER (WHERE r.repository_id IS NOT NULL), '{}') AS repo_private"
                + " FROM installations i LEFT JOIN installation_repositories r"
                + " ON r.installation_id = i.id"
                + " GROUP BY i.id ORDER BY (i.deleted_at IS NOT NULL), (i.suspended_at IS NOT NULL),"
                + " lower(i.account_login), i.id")
        .execute()
        .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .map(
            rows -> {
              List<Installation> list = new ArrayList<>();
              for (Row r : rows) {
                Long[] ids = r.getArrayOfLongs("repo_ids");
                String[] names = r.getArrayOfStrings("repo_names");
                Boolean[] privates = r.getArrayOfBooleans("repo_private");
                List<Repository> repos = new ArrayList<>();
                for (int i = 0; i < ids.length; i++) {
                  repos.add(new Repository(ids[i], names[i], privates[i]));
                }
                list.add(
                    new Installation(
                        r.getLong("id"),
                        r.getString("account_login"),
                        r.getString("account_type"),
                        r.getString("repository_selection"),
                        instant(r, "suspended_at"),
                        instant(r, "deleted_at"),
                        instant(r, "updated_at"),
                        List.copyOf(repos)));
              }
              return list;
            });
  }

  private static Delivery delivery(Row r) {
    UUID[] ids = r.getArrayOfUUIDs("request_ids");
    return new Delivery(
        r.getString("delivery_id"),
        r.getString("event"),
        r.getString("action"),
        r.getLong("installation_id"),
        r.getString("repository"),
        instant(r, "received_at"),
        instant(r, "updated_at"),
        r.getString("outcome"),
        r.getString("reason"),
        r.getInteger("attempts"),
        ids == null ? List.of() : Arrays.asList(ids),
        Boolean.TRUE.equals(r.getBoolean("payload_stored")));
  }

  private static Instant instant(Row r, String column) {
    OffsetDateTime t = r.getOffsetDateTime(column);
    return t == null ? null : t.toInstant();
  }

  private static OffsetDateTime utc(Instant at) {
    return at.atOffset(ZoneOffset.UTC);
  }

  @Override
  public void close() {
    pool.close();
  }
}
