package dev.solstice.orchestrator;

import java.util.List;

/** The environment does not describe a usable configuration; {@link #problems()} names every variable at fault. */
public final class InvalidSettingsException extends IllegalArgumentException {

  private final List<String> problems;

  public InvalidSettingsException(List<String> problems) {
    super("invalid configuration:\n  " + String.join("\n  ", problems));
    this.problems = List.copyOf(problems);
  }

  /** One line per problem, each starting with the variable's name. */
  public List<String> problems() {
    return problems;
  }
}
