package dev.solstice.orchestrator;

import dev.solstice.jobrequest.Conclusion;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads typed values from environment variables, collecting every problem instead of stopping at the
 * first, so an operator fixes a broken configuration in one go. A blank value counts as unset, as
 * container tooling often writes {@code VAR=} for "not configured".
 */
final class EnvReader {

  private final Map<String, String> env;
  private final List<String> problems = new ArrayList<>();

  EnvReader(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /** The trimmed value, or empty when unset or blank. */
  Optional<String> raw(String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  String string(String name, String fallback) {
    return raw(name).orElse(fallback);
  }

  boolean bool(String name, boolean fallback) {
    return raw(name).map(value -> switch (value.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> problem(name, "expected true or false", value, fallback);
    }).orElse(fallback);
  }

  int positiveInt(String name, int fallback, int max) {
    return raw(name).map(value -> {
      try {
        int parsed = Integer.parseInt(value);
        if (parsed >= 1 && parsed <= max) {
          return parsed;
        }
      } catch (NumberFormatException e) {
        // reported below, with the others
      }
      return problem(name, max == Integer.MAX_VALUE ? "expected a positive integer"
          : "expected a positive integer up to " + max, value, fallback);
    }).orElse(fallback);
  }

  long nonNegativeLong(String name, long fallback) {
    return raw(name).map(value -> {
      try {
        long parsed = Long.parseLong(value);
        if (parsed >= 0) {
          return parsed;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      return problem(name, "expected a non-negative integer", value, fallback);
    }).orElse(fallback);
  }

  Conclusion conclusion(String name, Conclusion fallback) {
    return raw(name).map(value -> Conclusions.parse(value)
        .orElseGet(() -> problem(name, "expected one of " + Conclusions.names(), value, fallback)))
        .orElse(fallback);
  }

  /** An absolute URI with one of the given schemes and a host; empty when unset. */
  Optional<URI> uri(String name, Set<String> schemes) {
    return raw(name).flatMap(value -> {
      try {
        URI uri = new URI(value);
        if (uri.getScheme() != null && schemes.contains(uri.getScheme().toLowerCase(Locale.ROOT))
            && uri.getHost() != null) {
          return Optional.of(uri);
        }
      } catch (URISyntaxException e) {
        // reported below
      }
      // The value may hold a password, so the message does not repeat it.
      problems.add(name + ": expected an " + String.join(" or ", schemes.stream().sorted().toList())
          + " URL with a host");
      return Optional.empty();
    });
  }

  /** Records a problem not tied to parsing one value, e.g. two variables that must come together. */
  void require(boolean condition, String problem) {
    if (!condition) {
      problems.add(problem);
    }
  }

  List<String> problems() {
    return List.copyOf(problems);
  }

  private <T> T problem(String name, String expectation, String value, T fallback) {
    problems.add(name + ": " + expectation + ", got \"" + value + "\"");
    return fallback;
  }
}
