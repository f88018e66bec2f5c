package dev.solstice.integration.github;

import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * {@link WriteBudget} in Redis: per lane a sorted set of reserved start times (a sliding-window
 * log), checked and extended by one Lua script, so concurrent replicas never reserve past the
 * limits. Times come from the caller's {@link Clock} (replicas run NTP; tests move a clock). See
 * docs/adr/0009-shared-write-budget.md.
 */
public record RedisWriteBudget(RedisAPI redis, String prefix, PacingPolicy policy, Clock clock)
    implements WriteBudget {

  /**
   * KEYS[1] the lane's log; ARGV now, notBefore, per minute, per hour, a unique member. Returns the
   * reserved start. Reservations are FIFO (never before the lane's latest), so the arithmetic is
   * the one of {@link WriteWindow}: the n-th most recent start leaving the window frees a slot.
   */
  static final String RESERVE_SCRIPT =
      """
      local now = tonumber(ARGV[1])
      local at = tonumber(ARGV[2])
      local perMinute = tonumber(ARGV[3])
      local perHour = tonumber(ARGV[4])
      local minute = 60000
      local hour = 3600000
      redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - hour)
      local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
      if #last > 0 then at = math.max(at, tonumber(last[2])) end
      local n = redis.call('ZCARD', KEYS[1])
      if n >= perHour then
        local e = redis.call('ZREVRANGE', KEYS[1], perHour - 1, perHour - 1, 'WITHSCORES')
        at = math.max(at, tonumber(e[2]) + hour)
      end
      if redis.call('ZCOUNT', KEYS[1], '(' .. (at - minute), '+inf') >= perMinute then
        local e = redis.call('ZREVRANGE', KEYS[1], perMinute - 1, perMinute - 1, 'WITHSCORES')
        at = math.max(at, tonumber(e[2]) + minute)
      end
      redis.call('ZADD', KEYS[1], at, ARGV[5])
      redis.call('PEXPIRE', KEYS[1], at - now + hour)
      return at
      """;

  /** {@link #RESERVE_SCRIPT} without the reservation: the start it would give, nothing written. */
  static final String PEEK_SCRIPT =
      """
      local now = tonumber(ARGV[1])
      local at = tonumber(ARGV[2])
      local perMinute = tonumber(ARGV[3])
      local perHour = tonumber(ARGV[4])
      local minute = 60000
      local hour = 3600000
      local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
      if #last > 0 then at = math.max(at, tonumber(last[2])) end
      local n = redis.call('ZCOUNT', KEYS[1], '(' .. (now - hour), '+inf')
      if n >= perHour then
        local e = redis.call('ZREVRANGE', KEYS[1], perHour - 1, perHour - 1, 'WITHSCORES')
        at = math.max(at, tonumber(e[2]) + hour)
      end
      if redis.call('ZCOUNT', KEYS[1], '(' .. (at - minute), '+inf') >= perMinute then
        local e = redis.call('ZREVRANGE', KEYS[1], perMinute - 1, perMinute - 1, 'WITHSCORES')
        at = math.max(at, tonumber(e[2]) + minute)
      end
      return at
      """;

  private static final long TIMEOUT_MS = 2_000;

  @Override
  public Future<Long> reserve(String lane, long notBefore) {
    return evalLimits(RESERVE_SCRIPT, lane, notBefore, UUID.randomUUID().toString());
  }

  @Override
  public Future<Long> nextStart(String lane, long notBefore) {
    return evalLimits(PEEK_SCRIPT, lane, notBefore);
  }

  /** A script over one lane's key, with the clock, the earliest start and the two limits. */
  private Future<Long> evalLimits(String script, String lane, long notBefore, String... more) {
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            script,
            "1",
            prefix + lane,
            Long.toString(clock.millis()),
            Long.toString(notBefore),
            Integer.toString(policy.writesPerMinute()),
            Integer.toString(policy.writesPerHour())));
    args.addAll(List.of(more));
    return redis.eval(args).timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS).map(r -> r.toLong());
  }

  /**
   * How much of a lane's budget is taken: writes started or reserved within the last minute and
   * hour (reservations ahead of now count, they are spoken for), against the policy's limits.
   */
  public record Usage(long lastMinute, long lastHour, int perMinute, int perHour) {}

  /** The lane's usage now, from the same sorted set {@link #reserve} keeps. */
  public Future<Usage> usage(String lane) {
    long now = clock.millis();
    String key = prefix + lane;
    return redis
        .zcount(key, "(" + (now - 60_000), "+inf")
        .compose(
            minute ->
                redis
                    .zcount(key, "(" + (now - 3_600_000), "+inf")
                    .map(
                        hour ->
                            new Usage(
                                minute.toLong(),
                                hour.toLong(),
                                policy.writesPerMinute(),
                                policy.writesPerHour())))
        .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }
}
