package dev.solstice.platform.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads typed values out of an environment map, collecting one message per problem, each starting
 * with its variable ({@code CI_HTTP_PORT: expected an integer from 1 to 65535, got "80a"}), instead
 * of failing at the first, so an operator sees everything wrong in one start. A blank value counts
 * as unset, as container tooling often writes {@code VAR=} for "not configured"; values are
 * trimmed.
 *
 * <p>Each getter returns its fallback when the variable is unset or wrong; call {@link #check()}
 * once at the end to throw with every problem.
 */
public final class EnvReader {

  private final Map<String, String> env;
  private final List<String> errors;

  /** A reader adding its problems to {@code errors}, which callers may share between readers. */
  public EnvReader(Map<String, String> env, List<String> errors) {
    this.env = Map.copyOf(env);
    this.errors = errors;
  }

  public EnvReader(Map<String, String> env) {
    this(env, new ArrayList<>());
  }

  /** The problems so far, live. */
  public List<String> errors() {
    return errors;
  }

  /** Records a problem found by the caller; it should start with the variable's name. */
  public void error(String message) {
    errors.add(message);
  }

  /**
   * Records {@code problem} unless {@code condition} holds, e.g. two variables that must come
   * together.
   */
  public void require(boolean condition, String problem) {
    if (!condition) {
      errors.add(problem);
    }
  }

  /** Throws {@link InvalidConfigurationException} listing every problem, if there is one. */
  public void check() {
    check(InvalidConfigurationException::new);
  }

  /** Throws the exception made from every problem, if there is one. */
  public void check(Function<List<String>, ? extends RuntimeException> exception) {
    if (!errors.isEmpty()) {
      throw exception.apply(List.copyOf(errors));
    }
  }

  /**
   * The names of the variables set (not blank) that match {@code regex} whole, sorted: for families
   * of variables named by the operator, such as {@code GITHUB_PAT_<NAME>}.
   */
  public java.util.SortedSet<String> names(String regex) {
    java.util.regex.Pattern p = java.util.regex.Pattern.compile(regex);
    java.util.SortedSet<String> out = new java.util.TreeSet<>();
    env.forEach(
        (k, v) -> {
          if (v != null && !v.isBlank() && p.matcher(k).matches()) {
            out.add(k);
          }
        });
    return out;
  }

  /** The trimmed value, or null when unset or blank. */
  public String raw(String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? null : value.trim();
  }

  /** The trimmed value, or empty when unset or blank. */
  public Optional<String> optional(String name) {
    return Optional.ofNullable(raw(name));
  }

  public String string(String name, String fallback) {
    String value = raw(name);
    return value == null ? fallback : value;
  }

  /** An integer from {@code min} to {@code max}. */
  public int integer(String name, int fallback, int min, int max) {
    return parsed(
        name,
        fallback,
        v -> parseLong(v).filter(n -> n >= min && n <= max).map(Long::intValue),
        "expected an integer from " + min + " to " + max);
  }

  /** An integer from 1 to {@code max}. */
  public int positiveInt(String name, int fallback, int max) {
    return parsed(
        name,
        fallback,
        v -> parseLong(v).filter(n -> n >= 1 && n <= max).map(Long::intValue),
        max == Integer.MAX_VALUE
            ? "expected a positive integer"
            : "expected a positive integer up to " + max);
  }

  /** A positive long; with a null fallback the variable is required. */
  public long positiveLong(String name, Long fallback) {
    if (fallback == null && raw(name) == null) {
      errors.add(name + ": required, a positive integer");
      return 0;
    }
    Long value =
        parsed(name, fallback, v -> parseLong(v).filter(n -> n > 0), "expected a positive integer");
    return value == null ? 0 : value;
  }

  public long nonNegativeLong(String name, long fallback) {
    return parsed(
        name, fallback, v -> parseLong(v).filter(n -> n >= 0), "expected a non-negative integer");
  }

  /** {@code true/false}, {@code 1/0}, {@code yes/no} or {@code on/off}, in any case. */
  public boolean bool(String name, boolean fallback) {
    return bool(
        name, fallback, Set.of("true", "1", "yes", "on"), Set.of("false", "0", "no", "off"));
  }

  /** Only {@code true} or {@code false}, in any case. */
  public boolean strictBool(String name, boolean fallback) {
    return bool(name, fallback, Set.of("true"), Set.of("false"));
  }

  private boolean bool(String name, boolean fallback, Set<String> yes, Set<String> no) {
    return parsed(
        name,
        fallback,
        v -> {
          String word = v.toLowerCase(Locale.ROOT);
          return yes.contains(word)
              ? Optional.of(true)
              : no.contains(word) ? Optional.of(false) : Optional.empty();
        },
        "expected true or false");
  }

  /** A duration in the one syntax of {@link Durations}. */
  public Duration duration(String name, Duration fallback) {
    return parsed(
        name, fallback, Durations::parse, "expected a duration such as " + Durations.EXAMPLES);
  }

  /** A duration longer than zero, e.g. a time-to-live. */
  public Duration positiveDuration(String name, Duration fallback) {
    return parsed(
        name,
        fallback,
        v -> Durations.parse(v).filter(d -> !d.isZero()),
        "expected a duration longer than zero such as " + Durations.EXAMPLES);
  }

  /** A comma-separated list of positive durations, e.g. retry delays {@code 5s,30s,2m}. */
  public List<Duration> durations(String name, List<Duration> fallback) {
    return parsed(
        name,
        fallback,
        v -> {
          List<Duration> out = new ArrayList<>();
          for (String part : v.split(",")) {
            Optional<Duration> d = Durations.parse(part).filter(x -> !x.isZero());
            if (d.isEmpty()) {
              return Optional.empty();
            }
            out.add(d.get());
          }
          return Optional.of(List.copyOf(out));
        },
        "expected a comma-separated list of durations such as 5s,30s,2m");
  }

  /** Comma-separated, trimmed, empty items dropped; empty when unset. */
  public List<String> list(String name) {
    String value = raw(name);
    if (value == null) {
      return List.of();
    }
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /**
   * {@code name}'s value, else {@code fallback}, as a URI with one of {@code schemes} (any when
   * none); null when both are unset or it is wrong. The message repeats the value with its user
   * info masked.
   */
  public URI uri(String name, String fallback, String... schemes) {
    String value = string(name, fallback);
    if (value == null) {
      return null;
    }
    try {
      URI uri = new URI(value);
      if (uri.getScheme() != null
          && (schemes.length == 0 || Arrays.asList(schemes).contains(uri.getScheme()))) {
        return uri;
      }
    } catch (URISyntaxException ignored) {
      // reported below
    }
    errors.add(
        name
            + ": expected a "
            + String.join(" or ", schemes)
            + " URL, got \""
            + Redaction.userInfo(value)
            + "\"");
    return null;
  }

  /**
   * An absolute URI with one of {@code schemes} (any case) and a host; empty when unset or wrong.
   * The message does not repeat the value: one that does not parse might be a password.
   */
  public Optional<URI> hostUri(String name, String... schemes) {
    return optional(name)
        .flatMap(
            value -> {
              try {
                URI uri = new URI(value);
                if (uri.getScheme() != null
                    && Arrays.asList(schemes).contains(uri.getScheme().toLowerCase(Locale.ROOT))
                    && uri.getHost() != null) {
                  return Optional.of(uri);
                }
              } catch (URISyntaxException e) {
                // reported below
              }
              errors.add(
                  name
                      + ": expected an "
                      + String.join(" or ", Arrays.stream(schemes).sorted().toList())
                      + " URL with a host");
              return Optional.empty();
            });
  }

  /**
   * The value parsed by {@code parser}, or {@code fallback} when unset; when the parser returns
   * empty, records {@code NAME: <expectation>, got "<value>"}. Not for secrets: the message repeats
   * the value.
   */
  public <T> T parsed(
      String name, T fallback, Function<String, Optional<T>> parser, String expectation) {
    String value = raw(name);
    if (value == null) {
      return fallback;
    }
    Optional<T> result = parser.apply(value);
    if (result.isEmpty()) {
      errors.add(name + ": " + expectation + ", got \"" + value + "\"");
      return fallback;
    }
    return result.get();
  }

  private static Optional<Long> parseLong(String value) {
    try {
      return Optional.of(Long.parseLong(value));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
