package dev.solstice.platform.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration syntax of every executable: a whole number with a unit ({@code 500ms}, {@code
 * 30s}, {@code 5m}, {@code 6h}, {@code 30d}; a space before the unit and upper case are allowed), a
 * bare number of seconds ({@code 30}), or ISO-8601 ({@code PT5M}). Negative durations are refused.
 *
 * <p>It is the union of what the service's, the GitHub client's and the stub's readers accepted, so
 * every value that worked before still means the same.
 */
public final class Durations {

  /** Shown in error messages. */
  public static final String EXAMPLES = "500ms, 30s, 5m, 6h, 30d or PT5M";

  private static final Pattern NUMBER_UNIT = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");

  private Durations() {}

  /** The duration, or empty when the text is not one (or is negative). */
  public static Optional<Duration> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String v = text.trim().toLowerCase(Locale.ROOT);
    Matcher m = NUMBER_UNIT.matcher(v);
    try {
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return Optional.of(
            switch (unit) {
              case "ms" -> Duration.ofMillis(n);
              case "m" -> Duration.ofMinutes(n);
              case "h" -> Duration.ofHours(n);
              case "d" -> Duration.ofDays(n);
              default -> Duration.ofSeconds(n);
            });
      }
      if (v.startsWith("p")) {
        Duration d = Duration.parse(v.toUpperCase(Locale.ROOT));
        return d.isNegative() ? Optional.empty() : Optional.of(d);
      }
    } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
      // not a duration
    }
    return Optional.empty();
  }
}
