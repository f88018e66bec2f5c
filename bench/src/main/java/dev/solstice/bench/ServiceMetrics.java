package dev.solstice.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads the service's Prometheus endpoint: heap in use and the count of processed deliveries. */
final class ServiceMetrics {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final URI uri;

  ServiceMetrics(String baseUrl) {
    this.uri = URI.create(baseUrl + "/metrics");
  }

  /** The exposition text, or "" when the service does not answer. */
  String scrape() {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : "";
    } catch (Exception e) {
      return "";
    }
  }

  /** Sum of the samples of {@code metric} whose labels contain every one of {@code labels}. */
  static double sum(String text, String metric, String... labels) {
    double total = 0;
    for (String line : text.split("\n")) {
      if (!line.startsWith(metric + "{") && !line.startsWith(metric + " ")) {
        continue;
      }
      boolean all = true;
      for (String l : labels) {
        all &= line.contains(l);
      }
      if (all) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  static double heapUsed(String text) {
    return sum(text, "jvm_memory_used_bytes", "area=\"heap\"");
  }

  static double heapCommitted(String text) {
    return sum(text, "jvm_memory_committed_bytes", "area=\"heap\"");
  }

  /**
   * JobRequests the broker confirmed, or -1 when the service has no such counter (older builds).
   */
  static double jobRequestsPublished(String text) {
    return text.contains("solstice_jobrequests_published_total")
        ? sum(text, "solstice_jobrequests_published_total")
        : -1;
  }

  /** Deliveries whose JobRequests the broker confirmed (the intake acks only after that). */
  static double published(String text) {
    return sum(text, "solstice_webhooks_processed_total", "outcome=\"published\"");
  }
}
