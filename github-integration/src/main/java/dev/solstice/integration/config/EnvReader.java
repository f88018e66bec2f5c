package dev.solstice.integration.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads typed values out of an environment map, collecting one message per problem (each naming its
 * variable) instead of failing at the first, so an operator sees everything wrong in one start.
 */
public final class EnvReader {

  private final Map<String, String> env;
  private final List<String> errors;

  public EnvReader(Map<String, String> env, List<String> errors) {
    this.env = env;
    this.errors = errors;
  }

  public EnvReader(Map<String, String> env) {
    this(env, new ArrayList<>());
  }

  public List<String> errors() {
    return errors;
  }

  public void error(String message) {
    errors.add(message);
  }

  /** The value, or null when unset or blank. */
  public String raw(String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? null : value.trim();
  }

  public String string(String name, String fallback) {
    String value = raw(name);
    return value == null ? fallback : value;
  }

  public int integer(String name, int fallback, int min, int max) {
    String value = raw(name);
    if (value == null) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value);
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    errors.add(name + ": expected an integer from " + min + " to " + max + ", got \"" + value + "\"");
    return fallback;
  }

  public long positiveLong(String name, long fallback) {
    String value = raw(name);
    if (value == null) {
      return fallback;
    }
    try {
      long parsed = Long.parseLong(value);
      if (parsed > 0) {
        return parsed;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    errors.add(name + ": expected a positive integer, got \"" + value + "\"");
    return fallback;
  }

  public boolean bool(String name, boolean fallback) {
    String value = raw(name);
    if (value == null) {
      return fallback;
    }
    switch (value.toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes", "on":
        return true;
      case "false", "0", "no", "off":
        return false;
      default:
        errors.add(name + ": expected true or false, got \"" + value + "\"");
        return fallback;
    }
  }

  /** A duration as ISO-8601 ({@code PT30S}) or a number with a unit: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 3d}. */
  public Duration duration(String name, Duration fallback) {
    String value = raw(name);
    if (value == null) {
      return fallback;
    }
    Duration parsed = parseDuration(value);
    if (parsed == null || parsed.isNegative()) {
      errors.add(name + ": expected a duration such as 500ms, 30s, 5m, 2h or 3d, got \"" + value + "\"");
      return fallback;
    }
    return parsed;
  }

  public List<Duration> durations(String name, List<Duration> fallback) {
    String value = raw(name);
    if (value == null) {
      return fallback;
    }
    List<Duration> out = new ArrayList<>();
    for (String part : value.split(",")) {
      Duration parsed = parseDuration(part.trim());
      if (parsed == null || parsed.isZero() || parsed.isNegative()) {
        errors.add(name + ": expected a comma-separated list of durations such as 5s,30s,2m, got \"" + value + "\"");
        return fallback;
      }
      out.add(parsed);
    }
    return List.copyOf(out);
  }

  /** Comma-separated, trimmed, empty items dropped. */
  public List<String> list(String name) {
    String value = raw(name);
    if (value == null) {
      return List.of();
    }
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  public URI uri(String name, String fallback, String... schemes) {
    String value = string(name, fallback);
    if (value == null) {
      return null;
    }
    try {
      URI uri = new URI(value);
      if (uri.getScheme() != null && (schemes.length == 0 || Arrays.asList(schemes).contains(uri.getScheme()))) {
        return uri;
      }
    } catch (URISyntaxException ignored) {
      // reported below
    }
    errors.add(name + ": expected a " + String.join(" or ", schemes) + " URL, got \"" + redact(value) + "\"");
    return null;
  }

  static Duration parseDuration(String value) {
    try {
      if (value.startsWith("P") || value.startsWith("p")) {
        return Duration.parse(value);
      }
      String v = value.toLowerCase(Locale.ROOT);
      if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      }
      long n = Long.parseLong(v.substring(0, v.length() - 1));
      return switch (v.charAt(v.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        case 'd' -> Duration.ofDays(n);
        default -> null;
      };
    } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
      return null;
    }
  }

  /** A URL with its user-info (credentials) replaced, for messages and logs. */
  public static String redact(String url) {
    return url == null ? null : url.replaceAll("(?<=://)[^/@]*@", "***@");
  }
}
