package dev.solstice.integration.recovery;

import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Where the missed-delivery job remembers how far back it has looked, and the lease that keeps two
 * replicas from running it at the same time. In Redis when {@code REDIS_URL} is set (survives
 * restarts, shared by replicas), else in memory.
 */
public interface CheckpointStore {

  /** The newest {@code delivered_at} a completed run has looked at, if any. */
  Future<Optional<Instant>> checkpoint();

  Future<Void> checkpoint(Instant newest);

  /**
   * Where a run that stopped at {@code MISSED_DELIVERIES_MAX_PAGES} left off: the cursor of the
   * first page it did not read, and the newest {@code delivered_at} it had read (the checkpoint
   * once the older pages are read too).
   */
  record Resume(String cursor, Instant newest) {}

  /** The unfinished read-back to continue, if a run stopped before its checkpoint. */
  Future<Optional<Resume>> resume();

  Future<Void> resume(Resume resume);

  Future<Void> clearResume();

  /** Takes the run lease for {@code ttl}; false when another replica holds it. */
  Future<Boolean> tryLease(Duration ttl);

  Future<Void> releaseLease();

  static CheckpointStore inMemory() {
    return new InMemory();
  }

  static CheckpointStore redis(RedisAPI redis, String prefix) {
    return new Redis(redis, prefix);
  }

  /** A single replica's store; forgets on restart (the first run then looks back LOOKBACK). */
  final class InMemory implements CheckpointStore {
    private final AtomicReference<Instant> at = new AtomicReference<>();
    private final AtomicReference<Resume> resume = new AtomicReference<>();

    @Override
    public Future<Optional<Instant>> checkpoint() {
      return Future.succeededFuture(Optional.ofNullable(at.get()));
    }

    @Override
    public Future<Void> checkpoint(Instant newest) {
      at.accumulateAndGet(newest, (old, n) -> old == null || n.isAfter(old) ? n : old);
      return Future.succeededFuture();
    }

    @Override
    public Future<Optional<Resume>> resume() {
      return Future.succeededFuture(Optional.ofNullable(resume.get()));
    }

    @Override
    public Future<Void> resume(Resume r) {
      resume.set(r);
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> clearResume() {
      resume.set(null);
      return Future.succeededFuture();
    }

    @Override
    public Future<Boolean> tryLease(Duration ttl) {
      return Future.succeededFuture(true);
    }

    @Override
    public Future<Void> releaseLease() {
      return Future.succeededFuture();
    }
  }

  /**
   * {@code <prefix>checkpoint} (epoch seconds), {@code <prefix>resume} ({@code <epoch seconds>
   * <cursor>}) and {@code <prefix>lease} (SET NX PX).
   */
  final class Redis implements CheckpointStore {
    private final RedisAPI redis;
    private final String prefix;
    private final String owner = UUID.randomUUID().toString();

    Redis(RedisAPI redis, String prefix) {
      this.redis = redis;
      this.prefix = prefix;
    }

    @Override
    public Future<Optional<Instant>> checkpoint() {
      return redis
          .get(prefix + "checkpoint")
          .map(
              r ->
                  r == null
                      ? Optional.<Instant>empty()
                      : Optional.of(Instant.ofEpochSecond(r.toLong())));
    }

    @Override
    public Future<Void> checkpoint(Instant newest) {
      // Never moves back: a slow replica finishing an older run must not undo a newer one.
      String script =
          "local c = tonumber(redis.call('GET', KEYS[1]) or '0') "
              + "if tonumber(ARGV[1]) > c then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) end return 1";
      return redis
          .eval(
              List.of(
                  script,
                  "1",
                  prefix + "checkpoint",
                  Long.toString(newest.getEpochSecond()),
                  Long.toString(
                      MissedDeliverySettings.GITHUB_RETENTION.multipliedBy(2).toSeconds())))
          .mapEmpty();
    }

    @Override
    public Future<Optional<Resume>> resume() {
      return redis
          .get(prefix + "resume")
          .map(
              r -> {
                if (r == null) {
                  return Optional.<Resume>empty();
                }
                String[] parts = r.toString().split(" ", 2);
                return Optional.of(
                    new Resume(parts[1], Instant.ofEpochSecond(Long.parseLong(parts[0]))));
              });
    }

    @Override
    public Future<Void> resume(Resume r) {
      return redis
          .set(
              List.of(
                  prefix + "resume",
                  r.newest().getEpochSecond() + " " + r.cursor(),
                  "EX",
                  Long.toString(MissedDeliverySettings.GITHUB_RETENTION.toSeconds())))
          .mapEmpty();
    }

    @Override
    public Future<Void> clearResume() {
      return redis.del(List.of(prefix + "resume")).mapEmpty();
    }

    @Override
    public Future<Boolean> tryLease(Duration ttl) {
      return redis
          .set(
              List.of(
                  prefix + "lease", owner, "NX", "PX", Long.toString(Math.max(1, ttl.toMillis()))))
          .map(r -> r != null && "OK".equals(r.toString()));
    }

    @Override
    public Future<Void> releaseLease() {
      String script =
          "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";
      return redis.eval(List.of(script, "1", prefix + "lease", owner)).map((Response r) -> null);
    }
  }
}
