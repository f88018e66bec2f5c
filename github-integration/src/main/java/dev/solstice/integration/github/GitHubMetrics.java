package dev.solstice.integration.github;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client's meters: {@code github_requests_total{route,status_class}}, {@code
 * github_token_mints_total}, {@code github_token_cache_hits_total}, {@code
 * github_ratelimit_remaining{installation}}, {@code github_retries_total{reason}}.
 */
public final class GitHubMetrics {
  private final MeterRegistry registry;
  private final ConcurrentMap<String, AtomicLong> remaining = new ConcurrentHashMap<>();

  /**
   * @param registry null for a private {@link SimpleMeterRegistry}
   */
  public GitHubMetrics(MeterRegistry registry) {
    this.registry = registry == null ? new SimpleMeterRegistry() : registry;
  }

  public MeterRegistry registry() {
    return registry;
  }

  void request(String route, int status) {
    String statusClass = status == 0 ? "error" : (status / 100) + "xx";
    Counter.builder("github_requests_total")
        .tag("route", route)
        .tag("status_class", statusClass)
        .register(registry)
        .increment();
  }

  void tokenMinted() {
    registry.counter("github_token_mints_total").increment();
  }

  void tokenCacheHit() {
    registry.counter("github_token_cache_hits_total").increment();
  }

  void retry(String reason) {
    registry.counter("github_retries_total", "reason", reason).increment();
  }

  /**
   * @param installation installation id, or "app" for App-JWT calls
   */
  void rateLimitRemaining(String installation, long value) {
    remaining
        .computeIfAbsent(
            installation,
            key -> {
              AtomicLong holder = new AtomicLong(value);
              Gauge.builder("github_ratelimit_remaining", holder, AtomicLong::get)
                  .tag("installation", key)
                  .register(registry);
              return holder;
            })
        .set(value);
  }

  /** Last seen {@code x-ratelimit-remaining} for an installation, or -1. */
  public long lastRateLimitRemaining(String installation) {
    AtomicLong v = remaining.get(installation);
    return v == null ? -1 : v.get();
  }
}
