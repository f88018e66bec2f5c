package dev.solstice.integration.checks;

import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * request_id → check run id. GitHub's list endpoint cannot filter on external_id, so we keep the
 * mapping: it makes a replayed delivery reuse its check runs, and lets any replica complete a run
 * whose result lost its id. In Redis when configured (shared by replicas), else in memory.
 */
public interface CheckRunMap {

  Future<Optional<Long>> get(UUID requestId);

  Future<Void> put(UUID requestId, long checkRunId);

  /**
   * Whether the job's check run was completed by us (issue 14, write economy): a later result of
   * the job (a redelivered JobResult, a late {@code started}, a cancel) is then not written again.
   */
  default Future<Boolean> isCompleted(UUID requestId) {
    return Future.succeededFuture(false);
  }

  /** Notes that the job's check run was completed. */
  default Future<Void> markCompleted(UUID requestId) {
    return Future.succeededFuture();
  }

  static CheckRunMap inMemory() {
    ConcurrentHashMap<UUID, Long> map = new ConcurrentHashMap<>();
    java.util.Set<UUID> completed = ConcurrentHashMap.newKeySet();
    return new CheckRunMap() {
      @Override
      public Future<Boolean> isCompleted(UUID requestId) {
        return Future.succeededFuture(completed.contains(requestId));
      }

      @Override
      public Future<Void> markCompleted(UUID requestId) {
        if (completed.size() > 1_000_000) {
          completed.clear(); // a bound: a result may then be written once more
        }
        completed.add(requestId);
        return Future.succeededFuture();
      }

      @Override
      public Future<Optional<Long>> get(UUID requestId) {
        return Future.succeededFuture(Optional.ofNullable(map.get(requestId)));
      }

      @Override
      public Future<Void> put(UUID requestId, long checkRunId) {
        if (map.size() > 1_000_000) {
          map.clear(); // a bound, not a cache policy: lookups fall back to listing check runs
        }
        map.put(requestId, checkRunId);
        return Future.succeededFuture();
      }
    };
  }

  static CheckRunMap redis(RedisAPI redis, String prefix, Duration ttl) {
    return new CheckRunMap() {
      @Override
      public Future<Boolean> isCompleted(UUID requestId) {
        return redis.exists(List.of(prefix + "done:" + requestId)).map(r -> r.toInteger() > 0);
      }

      @Override
      public Future<Void> markCompleted(UUID requestId) {
        return redis
            .set(List.of(prefix + "done:" + requestId, "1", "EX", Long.toString(ttl.toSeconds())))
            .mapEmpty();
      }

      @Override
      public Future<Optional<Long>> get(UUID requestId) {
        return redis
            .get(prefix + requestId)
            .map(r -> r == null ? Optional.empty() : Optional.of(r.toLong()));
      }

      @Override
      public Future<Void> put(UUID requestId, long checkRunId) {
        return redis
            .set(
                List.of(
                    prefix + requestId,
                    Long.toString(checkRunId),
                    "EX",
                    Long.toString(ttl.toSeconds())))
            .mapEmpty();
      }
    };
  }
}
