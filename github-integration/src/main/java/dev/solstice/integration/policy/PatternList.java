package dev.solstice.integration.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * An ordered list of globs, each optionally negated with a leading {@code !}, evaluated as GitHub
 * Actions evaluates {@code branches} and {@code paths}: the last pattern that matches decides (a
 * plain one includes, a {@code !} one excludes); a list of only negations starts from "included".
 */
public final class PatternList {

  private record Entry(Glob glob, boolean negated) {}

  private static final PatternList EMPTY = new PatternList(List.of());

  private final List<Entry> entries;

  private PatternList(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  public static PatternList empty() {
    return EMPTY;
  }

  /**
   * @throws IllegalArgumentException naming the first invalid pattern
   */
  public static PatternList of(List<String> patterns) {
    return of(patterns, Glob::compile);
  }

  public static PatternList ofIgnoreCase(List<String> patterns) {
    return of(patterns, Glob::compileIgnoreCase);
  }

  private static PatternList of(List<String> patterns, Function<String, Glob> compiler) {
    List<Entry> entries = new ArrayList<>();
    for (String p : patterns) {
      boolean negated = p.startsWith("!");
      String body = negated ? p.substring(1) : p;
      if (body.isEmpty()) {
        throw new IllegalArgumentException("empty pattern \"" + p + "\"");
      }
      entries.add(new Entry(compiler.apply(body), negated));
    }
    return new PatternList(entries);
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** Whether the value is included; false for an empty list. */
  public boolean matches(String value) {
    if (entries.isEmpty() || value == null) {
      return false;
    }
    boolean included = entries.stream().allMatch(Entry::negated);
    for (Entry e : entries) {
      if (e.glob().matches(value)) {
        included = !e.negated();
      }
    }
    return included;
  }

  /** Whether any of the values is included. */
  public boolean matchesAny(List<String> values) {
    return values.stream().anyMatch(this::matches);
  }

  public List<String> patterns() {
    return entries.stream().map(e -> (e.negated() ? "!" : "") + e.glob().source()).toList();
  }

  @Override
  public String toString() {
    return String.join(", ", patterns());
  }
}
