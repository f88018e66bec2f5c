package dev.solstice.integration.config;

import java.util.List;

/** The configuration cannot run the service; the message lists every problem, one per line. */
public final class ConfigException extends RuntimeException {

  private final List<String> problems;

  public ConfigException(List<String> problems) {
    this(List.copyOf(new java.util.LinkedHashSet<>(problems)), true);
  }

  private ConfigException(List<String> distinct, boolean unused) {
    super("invalid configuration:\n  " + String.join("\n  ", distinct));
    this.problems = distinct;
  }

  public List<String> problems() {
    return problems;
  }
}
