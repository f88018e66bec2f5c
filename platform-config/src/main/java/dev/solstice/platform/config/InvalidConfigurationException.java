package dev.solstice.platform.config;

import java.util.LinkedHashSet;
import java.util.List;

/**
 * The environment does not describe a usable configuration; {@link #problems()} names every
 * variable at fault, one problem per line.
 */
public class InvalidConfigurationException extends IllegalArgumentException {

  private final List<String> problems;

  public InvalidConfigurationException(List<String> problems) {
    this(List.copyOf(new LinkedHashSet<>(problems)), 0);
  }

  private InvalidConfigurationException(List<String> distinct, int unused) {
    super("invalid configuration:\n  " + String.join("\n  ", distinct));
    this.problems = distinct;
  }

  /** One line per problem, each starting with the variable's name; no duplicates. */
  public List<String> problems() {
    return problems;
  }
}
