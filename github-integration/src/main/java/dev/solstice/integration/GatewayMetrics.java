package dev.solstice.integration;

import dev.solstice.integration.gateway.CredentialPool;
import dev.solstice.integration.gateway.GatewayVerticle;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.HttpServerRequest;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway's meters (docs/gateway.md, "Telemetry"): requests by client ({@code job}, a registry
 * client's name, {@code unknown} before a token was recognised; never a token), route template and
 * status; the conditional cache's hits, 304s and misses; each credential's last {@code
 * x-ratelimit-remaining}; job tokens issued, used, revoked and refused by reason.
 */
final class GatewayMetrics implements GatewayVerticle.Observer, CredentialPool.Remaining {

  private final MeterRegistry registry;

  /** Who sent a request still being answered; weak, so a request never answered is not kept. */
  private final Map<HttpServerRequest, String> clients =
      Collections.synchronizedMap(new WeakHashMap<>());

  private final Map<String, AtomicLong> remaining = new ConcurrentHashMap<>();

  GatewayMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void client(HttpServerRequest in, String client) {
    clients.put(in, client);
  }

  @Override
  public void request(HttpServerRequest in, String route, int status, String outcome) {
    String client = clients.remove(in);
    registry
        .counter(
            "solstice_gateway_requests",
            "client",
            client == null ? "unknown" : client,
            "route",
            route,
            "status",
            String.valueOf(status),
            "outcome",
            outcome)
        .increment();
  }

  @Override
  public void cache(HttpServerRequest in, String result) {
    if (result != null) {
      registry.counter("solstice_gateway_cache", "result", result).increment();
    }
  }

  @Override
  public void jobToken(String event, String reason) {
    if (reason == null) {
      jobToken(event);
    } else {
      registry.counter("solstice_gateway_job_tokens_refused", "reason", reason).increment();
    }
  }

  /** {@code issued}, {@code used}, {@code revoked} (the job's final result was processed). */
  void jobToken(String event) {
    registry.counter("solstice_gateway_job_tokens", "event", event).increment();
  }

  @Override
  public void remaining(String credential, long left) {
    remaining
        .computeIfAbsent(
            credential,
            c -> {
              AtomicLong value = new AtomicLong(left);
              Gauge.builder("solstice_gateway_ratelimit_remaining", value, AtomicLong::get)
                  .description("x-ratelimit-remaining of the credential's last GitHub answer")
                  .tag("credential", c)
                  .register(registry);
              return value;
            })
        .set(left);
  }
}
