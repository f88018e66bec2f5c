package dev.solstice.integration.execution;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.solstice.integration.core.JobState;
import dev.solstice.jobrequest.JobCodec;
import dev.solstice.jobrequest.JobRequest;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The state of workflow runs that outlive their webhook: the jobs of a run (with their check runs),
 * each job's state ({@link JobState}), and the latest head of each branch or pull request. It lets
 * the JobResult consumer of any replica enqueue a job once its needs succeeded, and a new head
 * cancel the previous one's queued jobs. In Redis when {@code REDIS_URL} is set (shared by
 * replicas), else in memory. Every write is idempotent: a redelivered webhook or result writes the
 * same values.
 */
public interface RunStore {

  /** Stores a run's jobs (by workflow job id) and maps each request id to the run. */
  Future<Void> save(UUID runId, List<JobRequest> jobs);

  /** The run a request belongs to, if it was stored. */
  Future<Optional<UUID>> runOf(UUID requestId);

  /** The run's jobs by workflow job id; empty when unknown or expired. */
  Future<Map<String, JobRequest>> jobs(UUID runId);

  /** The run's job states by workflow job id; a job without one is waiting (not yet enqueued). */
  Future<Map<String, String>> states(UUID runId);

  Future<Void> setState(UUID runId, String jobId, String state);

  /**
   * Marks a job started unless its state is already final, in one step: a {@code started} result
   * handled after the job's final result (a killed replica's results redelivered beside the
   * survivor's) must not undo it, or the jobs that need it are never queued.
   */
  Future<Void> setStartedUnlessFinished(UUID runId, String jobId);

  /**
   * A short lease on changing one job's state (enqueueing, skipping or cancelling it), so two
   * replicas never both do it. True when acquired; it expires by itself if its holder dies.
   */
  Future<Boolean> claim(UUID runId, String jobId, Duration lease);

  Future<Void> release(UUID runId, String jobId);

  /** The latest run of a branch or pull request ({@link Head}), if any. */
  Future<Optional<Head>> head(String group);

  Future<Void> setHead(String group, Head head);

  /** The run that last started for a branch or pull request, at which commit. */
  record Head(UUID runId, String sha) {
    String encode() {
      return runId + " " + sha;
    }

    static Optional<Head> decode(String value) {
      if (value == null || value.indexOf(' ') < 0) {
        return Optional.empty();
      }
      int sp = value.indexOf(' ');
      return Optional.of(
          new Head(UUID.fromString(value.substring(0, sp)), value.substring(sp + 1)));
    }
  }

  static RunStore inMemory(Clock clock) {
    return new InMemory(clock);
  }

  /** In this process, each run kept for {@code ttl} (RUN_STATE_TTL) and at most 20,000 runs. */
  static RunStore inMemory(Clock clock, Duration ttl) {
    return new InMemory(clock, ttl, InMemory.MAX_RUNS);
  }

  static RunStore redis(RedisAPI redis, String prefix, Duration ttl) {
    return new Redis(redis, prefix, ttl);
  }

  /**
   * One process's runs, for a single replica without Redis: kept for {@code ttl} after they were
   * saved, and at most {@link #MAX_RUNS} of them (beyond that Caffeine evicts the least used), so
   * the heap stays bounded however many deliveries the process sees.
   */
  final class InMemory implements RunStore {
    /** About 4 KB a run of two jobs: some 80 MB at the bound. */
    static final int MAX_RUNS = 20_000;

    private final Clock clock;
    private final Cache<UUID, Map<String, JobRequest>> jobs;
    private final Cache<UUID, Map<String, String>> states;
    private final Cache<UUID, UUID> runOf;
    private final Map<String, Instant> claims = new ConcurrentHashMap<>();
    private final Cache<String, Head> heads;

    InMemory(Clock clock) {
      this(clock, Duration.ofDays(7), MAX_RUNS);
    }

    InMemory(Clock clock, Duration ttl, int maxRuns) {
      this.clock = clock;
      this.jobs = bounded(ttl, maxRuns);
      this.states = bounded(ttl, maxRuns);
      this.runOf = bounded(ttl, 16L * maxRuns);
      this.heads = bounded(ttl, maxRuns);
    }

    /** Evicted in the caller's thread, so the bound holds as soon as a save returns. */
    private static <K, V> Cache<K, V> bounded(Duration ttl, long maxSize) {
      return Caffeine.newBuilder()
          .executor(Runnable::run)
          .expireAfterWrite(ttl)
          .maximumSize(maxSize)
          .<K, V>build();
    }

    @Override
    public Future<Void> save(UUID runId, List<JobRequest> list) {
      Map<String, JobRequest> byId = jobs.get(runId, k -> new ConcurrentHashMap<>());
      for (JobRequest j : list) {
        byId.put(j.workflowJobId(), j);
        runOf.put(j.requestId(), runId);
      }
      return Future.succeededFuture();
    }

    @Override
    public Future<Optional<UUID>> runOf(UUID requestId) {
      return Future.succeededFuture(Optional.ofNullable(runOf.getIfPresent(requestId)));
    }

    @Override
    public Future<Map<String, JobRequest>> jobs(UUID runId) {
      Map<String, JobRequest> run = jobs.getIfPresent(runId);
      return Future.succeededFuture(run == null ? Map.of() : Map.copyOf(run));
    }

    @Override
    public Future<Map<String, String>> states(UUID runId) {
      Map<String, String> run = states.getIfPresent(runId);
      return Future.succeededFuture(run == null ? Map.of() : Map.copyOf(run));
    }

    @Override
    public Future<Void> setState(UUID runId, String jobId, String state) {
      states.get(runId, k -> new ConcurrentHashMap<>()).put(jobId, state);
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> setStartedUnlessFinished(UUID runId, String jobId) {
      states
          .get(runId, k -> new ConcurrentHashMap<>())
          .compute(jobId, (k, old) -> JobState.terminal(old) ? old : JobState.STARTED);
      return Future.succeededFuture();
    }

    @Override
    public Future<Boolean> claim(UUID runId, String jobId, Duration lease) {
      Instant now = clock.instant();
      if (claims.size() > MAX_RUNS) {
        claims.values().removeIf(until -> !until.isAfter(now)); // leases of holders that died
      }
      String key = runId + ":" + jobId;
      boolean[] acquired = {false};
      claims.compute(
          key,
          (k, until) -> {
            if (until == null || !until.isAfter(now)) {
              acquired[0] = true;
              return now.plus(lease);
            }
            return until;
          });
      return Future.succeededFuture(acquired[0]);
    }

    @Override
    public Future<Void> release(UUID runId, String jobId) {
      claims.remove(runId + ":" + jobId);
      return Future.succeededFuture();
    }

    @Override
    public Future<Optional<Head>> head(String group) {
      return Future.succeededFuture(Optional.ofNullable(heads.getIfPresent(group)));
    }

    @Override
    public Future<Void> setHead(String group, Head head) {
      heads.put(group, head);
      return Future.succeededFuture();
    }
  }

  /** Shared by replicas: hashes per run, every key expiring after the TTL. */
  final class Redis implements RunStore {
    private final RedisAPI redis;
    private final String prefix;
    private final String ttl;

    Redis(RedisAPI redis, String prefix, Duration ttl) {
      this.redis = redis;
      this.prefix = prefix;
      this.ttl = Long.toString(ttl.toSeconds());
    }

    private String jobsKey(UUID runId) {
      return prefix + "run:" + runId + ":jobs";
    }

    private String stateKey(UUID runId) {
      return prefix + "run:" + runId + ":state";
    }

    @Override
    public Future<Void> save(UUID runId, List<JobRequest> list) {
      if (list.isEmpty()) {
        return Future.succeededFuture();
      }
      List<String> args = new ArrayList<>();
      args.add(jobsKey(runId));
      for (JobRequest j : list) {
        args.add(j.workflowJobId());
        args.add(new String(JobCodec.encode(j), StandardCharsets.UTF_8));
      }
      Future<?> f = redis.hset(args).compose(r -> redis.expire(List.of(jobsKey(runId), ttl)));
      for (JobRequest j : list) {
        f =
            f.compose(
                r ->
                    redis.set(
                        List.of(prefix + "req:" + j.requestId(), runId.toString(), "EX", ttl)));
      }
      return f.mapEmpty();
    }

    @Override
    public Future<Optional<UUID>> runOf(UUID requestId) {
      return redis
          .get(prefix + "req:" + requestId)
          .map(r -> r == null ? Optional.empty() : Optional.of(UUID.fromString(r.toString())));
    }

    @Override
    public Future<Map<String, JobRequest>> jobs(UUID runId) {
      return redis
          .hgetall(jobsKey(runId))
          .map(
              r -> {
                Map<String, JobRequest> out = new LinkedHashMap<>();
                toMap(r)
                    .forEach(
                        (k, v) ->
                            out.put(k, JobCodec.decodeRequest(v.getBytes(StandardCharsets.UTF_8))));
                return out;
              });
    }

    @Override
    public Future<Map<String, String>> states(UUID runId) {
      return redis.hgetall(stateKey(runId)).map(Redis::toMap);
    }

    @Override
    public Future<Void> setState(UUID runId, String jobId, String state) {
      return redis
          .hset(List.of(stateKey(runId), jobId, state))
          .compose(r -> redis.expire(List.of(stateKey(runId), ttl)))
          .mapEmpty();
    }

    /** KEYS[1] the run's states; ARGV: job, started, completed prefix, skipped, cancelled, ttl. */
    private static final String START_UNLESS_FINISHED =
        "local s = redis.call('HGET', KEYS[1], ARGV[1])\n"
            + "if s and (string.sub(s, 1, string.len(ARGV[3])) == ARGV[3]"
            + " or s == ARGV[4] or s == ARGV[5]) then return 0 end\n"
            + "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])\n"
            + "redis.call('EXPIRE', KEYS[1], ARGV[6])\n"
            + "return 1";

    @Override
    public Future<Void> setStartedUnlessFinished(UUID runId, String jobId) {
      return redis
          .eval(
              List.of(
                  START_UNLESS_FINISHED,
                  "1",
                  stateKey(runId),
                  jobId,
                  JobState.STARTED,
                  JobState.COMPLETED_PREFIX,
                  JobState.SKIPPED,
                  JobState.CANCELLED,
                  ttl))
          .mapEmpty();
    }

    @Override
    public Future<Boolean> claim(UUID runId, String jobId, Duration lease) {
      return redis
          .set(
              List.of(
                  prefix + "run:" + runId + ":claim:" + jobId,
                  "1",
                  "NX",
                  "PX",
                  Long.toString(lease.toMillis())))
          .map(r -> r != null && "OK".equalsIgnoreCase(r.toString()));
    }

    @Override
    public Future<Void> release(UUID runId, String jobId) {
      return redis.del(List.of(prefix + "run:" + runId + ":claim:" + jobId)).mapEmpty();
    }

    @Override
    public Future<Optional<Head>> head(String group) {
      return redis
          .get(prefix + "head:" + group)
          .map(r -> r == null ? Optional.empty() : Head.decode(r.toString()));
    }

    @Override
    public Future<Void> setHead(String group, Head head) {
      return redis.set(List.of(prefix + "head:" + group, head.encode(), "EX", ttl)).mapEmpty();
    }

    /** HGETALL's answer: a map (RESP3) or a flat list of field, value pairs (RESP2). */
    static Map<String, String> toMap(Response r) {
      Map<String, String> out = new HashMap<>();
      if (r == null) {
        return out;
      }
      try {
        for (String k : r.getKeys()) {
          out.put(k, r.get(k).toString());
        }
        if (!out.isEmpty()) {
          return out;
        }
      } catch (RuntimeException notAMap) {
        // RESP2: a flat array
      }
      for (int i = 0; i + 1 < r.size(); i += 2) {
        out.put(r.get(i).toString(), r.get(i + 1).toString());
      }
      return out;
    }
  }
}
