package dev.solstice.integration.checks;

import dev.solstice.integration.github.WriteGuard;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisAPI;
import java.time.Duration;
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

  /**
   * Notes that a check run is about to be created for the job (issue 14): true for the first
   * attempt; false when an earlier attempt began, which may have created the run at GitHub and died
   * before {@link #put} (the caller then looks for it by {@code external_id} before creating).
   */
  default Future<Boolean> beginCreate(UUID requestId) {
    return Future.succeededFuture(true);
  }

  /**
   * Notes that the job's check run is being completed, before the completing write is sent: from
   * then on no {@link #startedWrite} is let through. Completes once no {@code in_progress} write of
   * the run is in flight (one let through before this call is answered first).
   */
  default Future<Void> beginCompletion(UUID requestId) {
    return Future.succeededFuture();
  }

  /**
   * The condition of an {@code in_progress} write to the job's run: let through only while neither
   * a completion began nor the run is completed, checked when the write is about to be sent.
   */
  default WriteGuard startedWrite(UUID requestId) {
    return new WriteGuard() {
      @Override
      public Future<Boolean> acquire() {
        return isCompleted(requestId).map(done -> !done);
      }

      @Override
      public Future<Void> release() {
        return Future.succeededFuture();
      }
    };
  }

  /**
   * One process's map; in one process the write pacer runs an installation's writes in order, so a
   * completion queued after an {@code in_progress} write is sent after it, and an {@code
   * in_progress} write still queued when the completion began is dropped.
   */
  static CheckRunMap inMemory() {
    ConcurrentHashMap<UUID, Long> map = new ConcurrentHashMap<>();
    java.util.Set<UUID> completed = ConcurrentHashMap.newKeySet();
    java.util.Set<UUID> completing = ConcurrentHashMap.newKeySet();
    java.util.Set<UUID> creating = ConcurrentHashMap.newKeySet();
    return new CheckRunMap() {
      @Override
      public Future<Boolean> beginCreate(UUID requestId) {
        if (creating.size() > 1_000_000) {
          creating.clear(); // a bound: a lookup is then skipped, as before issue 14
        }
        return Future.succeededFuture(creating.add(requestId));
      }

      @Override
      public Future<Void> beginCompletion(UUID requestId) {
        if (completing.size() > 1_000_000) {
          completing.clear();
        }
        completing.add(requestId);
        return Future.succeededFuture();
      }

      @Override
      public WriteGuard startedWrite(UUID requestId) {
        return new WriteGuard() {
          @Override
          public Future<Boolean> acquire() {
            return Future.succeededFuture(
                !completing.contains(requestId) && !completed.contains(requestId));
          }

          @Override
          public Future<Void> release() {
            return Future.succeededFuture();
          }
        };
      }

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

  /**
   * Shared by replicas through Redis: the map, the completion marks and the write lease of {@link
   * #startedWrite}, which a completion waits out for at most {@code writeLease} (longer than one
   * GitHub exchange, so a live writer's answer is in by then; a dead one's lease lapses).
   */
  static CheckRunMap redis(
      Vertx vertx, RedisAPI redis, String prefix, Duration ttl, Duration writeLease) {
    return new RedisCheckRunMap(vertx, redis, prefix, ttl, writeLease);
  }
}
