package dev.solstice.integration.http;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;
import java.time.Duration;

/**
 * Per-source request limit (the source is the {@link ClientAddress}): a token bucket per source
 * (Bucket4j) holding {@code perMinute} requests and refilled at {@code perMinute} a minute, so a
 * source may send a burst of the limit and then the limit's rate — never twice the limit across a
 * clock-minute boundary, as the fixed window this replaced did. A source over it gets 429 with
 * Retry-After (the seconds until its next token). GitHub's hook deliveries come from a few
 * addresses, so the limit is generous; it stops a runaway or hostile client from starving them. 0
 * disables it. A platform handler, so it runs before the body is read.
 *
 * <p>Buckets live in a bounded cache (Caffeine): an idle source's bucket is full again after a
 * minute, so forgetting it after two minutes of silence changes nothing, and a flood of spoofed
 * sources cannot grow memory beyond {@link #MAX_SOURCES} buckets.
 */
public final class SourceRateLimiter implements PlatformHandler {

  /** Buckets kept at most; the least recently used go first. */
  static final long MAX_SOURCES = 100_000;

  private static final Duration WINDOW = Duration.ofMinutes(1);

  private final int perMinute;
  private final ClientAddress clients;
  private final TimeMeter clock;
  private final LoadingCache<String, Bucket> buckets;

  /** Limits each TCP peer: no proxy is trusted. */
  public SourceRateLimiter(int perMinute) {
    this(perMinute, new ClientAddress(Cidrs.NONE));
  }

  /**
   * Limits each client as {@code clients} tells it: behind trusted proxies, the address they
   * forwarded (issue 17), so one ingress is not one bucket.
   */
  public SourceRateLimiter(int perMinute, ClientAddress clients) {
    this(perMinute, clients, TimeMeter.SYSTEM_MILLISECONDS);
  }

  /** With the clock the buckets refill by (tests). */
  SourceRateLimiter(int perMinute, ClientAddress clients, TimeMeter clock) {
    this.perMinute = perMinute;
    this.clients = clients;
    this.clock = clock;
    this.buckets =
        Caffeine.newBuilder()
            .maximumSize(MAX_SOURCES)
            .expireAfterAccess(WINDOW.multipliedBy(2))
            .build(source -> newBucket());
  }

  private Bucket newBucket() {
    return Bucket.builder()
        .addLimit(limit -> limit.capacity(perMinute).refillGreedy(perMinute, WINDOW))
        .withCustomTimePrecision(clock)
        .build();
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (perMinute <= 0) {
      ctx.next();
      return;
    }
    String source = clients.keyOf(ctx.request());
    long retryAfter = secondsToWait(source);
    if (retryAfter > 0) {
      ctx.response()
          .setStatusCode(429)
          .putHeader("Retry-After", Long.toString(retryAfter))
          .putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("error", "too many requests from " + source).encode());
      return;
    }
    ctx.next();
  }

  /**
   * Takes one request of {@code source}'s bucket: 0 when admitted, else the whole seconds to wait.
   */
  long secondsToWait(String source) {
    ConsumptionProbe probe = buckets.get(source).tryConsumeAndReturnRemaining(1);
    if (probe.isConsumed()) {
      return 0;
    }
    return Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
  }
}
