package dev.solstice.integration.gateway;

import dev.solstice.integration.testing.ServiceHarness;
import java.util.Arrays;

/** Reads a sample of the service's {@code /metrics} as Prometheus scrapes it. */
final class Scrape {

  private Scrape() {}

  /**
   * The sum of the samples of {@code metric} whose labels contain every one of {@code labels}
   * ({@code client="job"}); 0 when there is none.
   */
  static double value(ServiceHarness service, String metric, String... labels) throws Exception {
    String text = service.getManagement("/metrics").bodyAsString();
    return text.lines()
        .filter(l -> l.startsWith(metric + "{") || l.startsWith(metric + " "))
        .filter(l -> Arrays.stream(labels).allMatch(l::contains))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  /** Whether {@code /metrics} has a sample of {@code metric} with {@code labels}. */
  static boolean has(ServiceHarness service, String metric, String... labels) throws Exception {
    String text = service.getManagement("/metrics").bodyAsString();
    return text.lines()
        .anyMatch(l -> l.startsWith(metric + "{") && Arrays.stream(labels).allMatch(l::contains));
  }
}
