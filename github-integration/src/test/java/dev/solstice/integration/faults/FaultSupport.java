package dev.solstice.integration.faults;

import dev.solstice.integration.config.AppConfig;
import dev.solstice.integration.testing.TestBroker;
import dev.solstice.platform.amqp.Topology;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Small things every fault test needs. */
final class FaultSupport {

  private FaultSupport() {}

  /** A fresh TOKEN_CACHE_KEY (base64 of 32 random bytes), registered as a secret of the logs. */
  static String tokenCacheKey(dev.solstice.integration.github.CapturedLogs logs) {
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    String cacheKey = java.util.Base64.getEncoder().encodeToString(key);
    logs.secret(cacheKey);
    return cacheKey;
  }

  /** Deliveries the service counted with this outcome (published, duplicate, ignored). */
  static double processed(dev.solstice.integration.testing.ServiceHarness s, String outcome) {
    return s
        .registry()
        .find("solstice_webhooks_processed")
        .tag("outcome", outcome)
        .counters()
        .stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  static List<String> deliveryIds(int n) {
    List<String> ids = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ids.add(UUID.randomUUID().toString());
    }
    return ids;
  }

  /**
   * The intake queue and its delay queues: where a delivery waits before it becomes JobRequests.
   */
  static List<String> intakeQueues(AppConfig config) {
    List<String> queues = new ArrayList<>(List.of(config.intake().queue()));
    for (Duration d : config.retryDelays()) {
      queues.add(Topology.delayQueueName(config.intake(), d));
    }
    return queues;
  }

  /** Remembers every queue and exchange of the config for deletion when the broker closes. */
  static TestBroker track(TestBroker broker, AppConfig config) {
    broker.track(config.jobs());
    broker.track(config.results());
    broker.track(config.intake());
    for (Duration d : config.retryDelays()) {
      broker.trackQueue(Topology.delayQueueName(config.intake(), d));
    }
    for (Duration d : config.resultsRetryDelays()) {
      broker.trackQueue(Topology.delayQueueName(config.results(), d));
    }
    return broker;
  }

  /** The status of GET /health/ready, or -1 when nothing answered. */
  static int ready(HttpClient client, int port) {
    try {
      return client
          .send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (Exception e) {
      return -1;
    }
  }
}
