package dev.solstice.orchestrator;

import dev.solstice.jobrequest.Conclusion;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Parsing of conclusion names as they appear in configuration ({@code success}, {@code timed_out},
 * ...).
 */
final class Conclusions {

  private Conclusions() {}

  /** The conclusion whose API name matches, ignoring case and surrounding blanks. */
  static Optional<Conclusion> parse(String name) {
    if (name == null) {
      return Optional.empty();
    }
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(Conclusion.values()).filter(c -> c.apiName().equals(wanted)).findFirst();
  }

  /** The accepted names, for error messages. */
  static String names() {
    return Arrays.stream(Conclusion.values())
        .map(Conclusion::apiName)
        .collect(Collectors.joining(", "));
  }
}
