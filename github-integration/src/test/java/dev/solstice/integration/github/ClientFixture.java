package dev.solstice.integration.github;

import dev.solstice.simulator.github.GitHubSimulator;
import java.time.Duration;

/** Client settings for tests: tiny retry delays, generous pacing. */
final class ClientFixture {
  private ClientFixture() {}

  static RetryPolicy fastRetries() {
    return new RetryPolicy(
        4,
        Duration.ofMillis(5),
        Duration.ofMillis(20),
        Duration.ofSeconds(5),
        Duration.ofMinutes(10),
        Duration.ofMillis(500));
  }

  static PacingPolicy fastPacing() {
    return new PacingPolicy(100_000, 100_000, Duration.ZERO, 8);
  }

  static WebClientGitHubClient.Builder builder(io.vertx.core.Vertx vertx, GitHubSimulator sim) {
    return WebClientGitHubClient.builder(vertx)
        .apiBase(sim.baseUrl())
        .app(sim.app().id(), sim.app().privateKey())
        .retryPolicy(fastRetries())
        .pacing(fastPacing());
  }
}
