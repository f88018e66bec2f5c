package dev.solstice.integration.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-source request limit over one-minute windows (the source is the {@link ClientAddress}); a
 * source over the limit gets 429 with Retry-After. GitHub's hook deliveries come from a few
 * addresses, so the limit is generous; it stops a runaway or hostile client from starving them. 0
 * disables it. A platform handler, so it runs before the body is read.
 */
public final class SourceRateLimiter implements PlatformHandler {

  private record Window(long minute, int count) {}

  private final int perMinute;
  private final ClientAddress clients;
  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

  /** Limits each TCP peer: no proxy is trusted. */
  public SourceRateLimiter(int perMinute) {
    this(perMinute, new ClientAddress(Cidrs.NONE));
  }

  /**
   * Limits each client as {@code clients} tells it: behind trusted proxies, the address they
   * forwarded (issue 17), so one ingress is not one bucket.
   */
  public SourceRateLimiter(int perMinute, ClientAddress clients) {
    this.perMinute = perMinute;
    this.clients = clients;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (perMinute <= 0) {
      ctx.next();
      return;
    }
    long minute = System.currentTimeMillis() / 60_000;
    String source = clients.keyOf(ctx.request());
    Window w =
        windows.compute(
            source,
            (k, old) ->
                old == null || old.minute() != minute
                    ? new Window(minute, 1)
                    : new Window(minute, old.count() + 1));
    if (windows.size() > 10_000) {
      windows.values().removeIf(x -> x.minute() != minute);
    }
    if (w.count() > perMinute) {
      long retryAfter = 60 - (System.currentTimeMillis() / 1000) % 60;
      ctx.response()
          .setStatusCode(429)
          .putHeader("Retry-After", Long.toString(retryAfter))
          .putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("error", "too many requests from " + source).encode());
      return;
    }
    ctx.next();
  }
}
