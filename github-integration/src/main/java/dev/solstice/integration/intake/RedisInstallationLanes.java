package dev.solstice.integration.intake;

import dev.solstice.integration.core.WebhookDelivery;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link InstallationLanes} in Redis, shared by every replica: per installation a sorted set of
 * delivery ids in the order GitHub's deliveries were received ({@code <prefix>lane:<installation>},
 * scored by received-at in microseconds), each delivery in a hash beside it ({@code
 * <prefix>entry:<id>}: event, received-at, attempt, body), a sorted set of the lanes waiting to be
 * served scored by the time their budget next allows a write ({@code <prefix>ready}), a sorted set
 * of lane depths for metrics ({@code <prefix>depth}), and the installation's turn, a claim with an
 * owner and a TTL renewed while held ({@code <prefix>turn:<installation>}). Each step is one Lua
 * script, so two replicas never both take a turn or lose an entry between them. Why sorted sets and
 * Lua and not a scheduler library: docs/adr/0011-installation-lanes.md.
 */
public final class RedisInstallationLanes implements InstallationLanes {
  private static final Logger LOG = LoggerFactory.getLogger(RedisInstallationLanes.class);
  private static final long TIMEOUT_MS = 2_000;

  /**
   * A head is served only this long after it was set aside: deliveries received just before it, set
   * aside by other intake slots at the same moment, are in the lane by then and go first.
   */
  static final long SETTLE_MS = 250;

  /**
   * KEYS entry, lane, ready, depth, newest; ARGV id, installation, readyAt, fields…, ttl, group,
   * µs.
   */
  static final String SET_ASIDE =
      """
      if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
      redis.call('HSET', KEYS[1], 'installation', ARGV[2], 'event', ARGV[4],
        'received', ARGV[5], 'attempt', ARGV[6], 'body', ARGV[7], 'at', ARGV[11])
      redis.call('PEXPIRE', KEYS[1], ARGV[8])
      redis.call('ZADD', KEYS[2], ARGV[10], ARGV[1])
      redis.call('PEXPIRE', KEYS[2], ARGV[8])
      redis.call('ZADD', KEYS[3], 'NX', ARGV[3], ARGV[2])
      redis.call('ZINCRBY', KEYS[4], 1, ARGV[2])
      if ARGV[9] ~= '' then redis.call('SET', KEYS[5], ARGV[1], 'PX', ARGV[8]) end
      return 1
      """;

  /**
   * KEYS ready; ARGV now, owner, ttl, prefix, retry delay. Looks at the lanes ready longest first;
   * a lane whose turn another holds is looked at again a little later.
   */
  static final String NEXT_TURN =
      """
      local now = tonumber(ARGV[1])
      local lanes = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, 16)
      for _, inst in ipairs(lanes) do
        local lane = ARGV[4] .. 'lane:' .. inst
        local id = redis.call('ZRANGE', lane, 0, 0)[1]
        local at = id and tonumber(redis.call('HGET', ARGV[4] .. 'entry:' .. id, 'at') or '0') or 0
        if not id then
          redis.call('ZREM', KEYS[1], inst)
        elseif at + tonumber(ARGV[6]) > now then
          redis.call('ZADD', KEYS[1], at + tonumber(ARGV[6]), inst)
        elseif redis.call('SET', ARGV[4] .. 'turn:' .. inst, ARGV[2], 'NX', 'PX', ARGV[3]) then
          redis.call('ZREM', KEYS[1], inst)
          return {inst, id, redis.call('HGETALL', ARGV[4] .. 'entry:' .. id)}
        else
          redis.call('ZADD', KEYS[1], now + tonumber(ARGV[5]), inst)
        end
      end
      return false
      """;

  /** KEYS lane, turn, ready, depth, entry; ARGV id ('' for none), owner, readyAt, installation. */
  static final String FINISH =
      """
      if ARGV[1] ~= '' and redis.call('ZRANGE', KEYS[1], 0, 0)[1] == ARGV[1] then
        redis.call('ZREM', KEYS[1], ARGV[1])
        redis.call('DEL', KEYS[5])
        if tonumber(redis.call('ZINCRBY', KEYS[4], -1, ARGV[4])) <= 0 then
          redis.call('ZREM', KEYS[4], ARGV[4])
        end
      end
      if redis.call('GET', KEYS[2]) == ARGV[2] then redis.call('DEL', KEYS[2]) end
      if redis.call('ZCARD', KEYS[1]) > 0 then
        redis.call('ZADD', KEYS[3], ARGV[3], ARGV[4])
      end
      return 1
      """;

  static final String RENEW =
      "if redis.call('get', KEYS[1]) == ARGV[1] then"
          + " return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";

  private final Vertx vertx;
  private final RedisAPI redis;
  private final String prefix;
  private final long turnTtlMs;
  private final long entryTtlMs;

  /**
   * @param turnTtl how long a turn outlives a replica that died holding it (renewed while held)
   * @param entryTtl how long a set-aside delivery may wait (the delivery ledger's TTL is apt)
   */
  public RedisInstallationLanes(
      Vertx vertx, RedisAPI redis, String prefix, Duration turnTtl, Duration entryTtl) {
    this.vertx = vertx;
    this.redis = redis;
    this.prefix = prefix;
    this.turnTtlMs = Math.max(30, turnTtl.toMillis());
    this.entryTtlMs = Math.max(60_000, entryTtl.toMillis());
  }

  @Override
  public Future<Boolean> isEmpty(String installation) {
    return redis
        .zcard(lane(installation))
        .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .map(r -> r.toLong() == 0);
  }

  @Override
  public Future<Boolean> setAside(
      String installation, String group, WebhookDelivery d, long readyAt) {
    return eval(
            SET_ASIDE,
            List.of(
                entry(d.deliveryId()),
                lane(installation),
                prefix + "ready",
                prefix + "depth",
                prefix + "newest:" + (group == null ? "" : group)),
            List.of(
                d.deliveryId(),
                installation,
                Long.toString(readyAt),
                d.event(),
                d.receivedAt().toString(),
                Integer.toString(d.attempt()),
                Base64.getEncoder().encodeToString(d.body()),
                Long.toString(entryTtlMs),
                group == null ? "" : group,
                Long.toString(receivedMicros(d)),
                Long.toString(System.currentTimeMillis())))
        .map(r -> r.toInteger() == 1);
  }

  @Override
  public Future<Boolean> holds(String deliveryId) {
    return redis
        .exists(List.of(entry(deliveryId)))
        .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .map(r -> r.toInteger() > 0);
  }

  @Override
  public Future<Boolean> supersededInLane(String group, String deliveryId) {
    if (group == null) {
      return Future.succeededFuture(false);
    }
    return redis
        .get(prefix + "newest:" + group)
        .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .map(r -> r != null && !deliveryId.equals(r.toString()));
  }

  @Override
  public Future<Turn> nextTurn(long now) {
    String owner = UUID.randomUUID().toString();
    return eval(
            NEXT_TURN,
            List.of(prefix + "ready"),
            List.of(
                Long.toString(now),
                owner,
                Long.toString(turnTtlMs),
                prefix,
                Long.toString(Math.max(50, turnTtlMs / 10)),
                Long.toString(SETTLE_MS)))
        .map(
            r -> {
              if (r == null || r.size() < 3) {
                return null;
              }
              String installation = r.get(0).toString();
              String id = r.get(1).toString();
              return held(installation, delivery(id, r.get(2)), owner);
            });
  }

  /**
   * The lane's order: when the webhook was received (µs), whatever order intake slots set it aside.
   */
  static long receivedMicros(WebhookDelivery d) {
    return d.receivedAt().getEpochSecond() * 1_000_000L + d.receivedAt().getNano() / 1_000;
  }

  /** A lane entry read back; a missing or unreadable entry becomes one with no body (dropped). */
  private static WebhookDelivery delivery(String id, Response fields) {
    Map<String, String> f = new HashMap<>();
    for (int i = 0; i + 1 < fields.size(); i += 2) {
      f.put(fields.get(i).toString(), fields.get(i + 1).toString(StandardCharsets.UTF_8));
    }
    try {
      return new WebhookDelivery(
          id,
          f.get("event"),
          Base64.getDecoder().decode(f.get("body")),
          Instant.parse(f.get("received")),
          Integer.parseInt(f.get("attempt")));
    } catch (RuntimeException e) {
      return new WebhookDelivery(id, null, null, Instant.EPOCH, 1);
    }
  }

  @Override
  public Future<List<Depth>> deepest(int n) {
    return redis
        .zrevrange(List.of(prefix + "depth", "0", Integer.toString(n - 1), "WITHSCORES"))
        .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .map(
            r -> {
              List<Depth> out = new ArrayList<>();
              if (r == null || r.size() == 0) {
                return out;
              }
              if (r.get(0).type() == ResponseType.MULTI) { // RESP3: [name, score] pairs
                for (Response row : r) {
                  out.add(new Depth(row.get(0).toString(), row.get(1).toDouble().longValue()));
                }
                return out;
              }
              for (int i = 0; i + 1 < r.size(); i += 2) { // RESP2: flat
                out.add(
                    new Depth(
                        r.get(i).toString(), (long) Double.parseDouble(r.get(i + 1).toString())));
              }
              return out;
            });
  }

  @Override
  public Future<Long> lanes() {
    return redis
        .zcard(prefix + "depth")
        .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .map(Response::toLong);
  }

  private Turn held(String installation, WebhookDelivery head, String owner) {
    String turnKey = turn(installation);
    long timer =
        vertx.setPeriodic(
            Math.max(10, turnTtlMs / 3),
            id ->
                eval(RENEW, List.of(turnKey), List.of(owner, Long.toString(turnTtlMs)))
                    .onSuccess(
                        r -> {
                          if (r == null || r.toInteger() == 0) {
                            LOG.warn("Lost the turn of installation {}", installation);
                            vertx.cancelTimer(id);
                          }
                        }));
    BiFunction<String, Long, Future<Void>> end =
        (id, readyAt) -> {
          vertx.cancelTimer(timer);
          return eval(
                  FINISH,
                  List.of(
                      lane(installation), turnKey, prefix + "ready", prefix + "depth", entry(id)),
                  List.of(id, owner, Long.toString(readyAt), installation))
              .mapEmpty();
        };
    return new FunctionTurn(
        installation,
        head,
        nextReadyAt -> end.apply(head.deliveryId(), nextReadyAt),
        readyAt -> end.apply("", readyAt));
  }

  private Future<Response> eval(String script, List<String> keys, List<String> args) {
    List<String> a = new ArrayList<>(keys.size() + args.size() + 2);
    a.add(script);
    a.add(Integer.toString(keys.size()));
    a.addAll(keys);
    a.addAll(args);
    return redis.eval(a).timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }

  private String lane(String installation) {
    return prefix + "lane:" + installation;
  }

  private String turn(String installation) {
    return prefix + "turn:" + installation;
  }

  private String entry(String id) {
    return prefix + "entry:" + id;
  }
}
