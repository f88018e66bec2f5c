package dev.solstice.platform.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every variable an executable reads: the one list its {@code --help} prints and its docs show
 * (tests keep the docs, the help and the code equal to it).
 */
public record Catalogue(List<Variable> variables) {

  public Catalogue {
    variables = List.copyOf(variables);
  }

  public static Catalogue of(Variable... variables) {
    return new Catalogue(List.of(variables));
  }

  public Set<String> names() {
    return variables.stream().map(Variable::name).collect(Collectors.toUnmodifiableSet());
  }

  /** Aligned lines {@code <indent>NAME description [default]}, for {@code --help}. */
  public String text(String indent) {
    int width = variables.stream().mapToInt(v -> v.name().length()).max().orElse(0) + 2;
    StringBuilder out = new StringBuilder();
    for (Variable v : variables) {
      out.append(indent)
          .append(v.name())
          .append(" ".repeat(width - v.name().length()))
          .append(v.description())
          .append(" [")
          .append(v.defaultValue())
          .append("]\n");
    }
    return out.toString();
  }

  /** A markdown table {@code | variable | default | meaning |}, for the configuration docs. */
  public String markdownTable() {
    StringBuilder out = new StringBuilder("| variable | default | meaning |\n|---|---|---|\n");
    for (Variable v : variables) {
      out.append("| `")
          .append(v.name())
          .append("` | ")
          .append(v.defaultValue().replace("|", "\\|"))
          .append(" | ")
          .append(v.description().replace("|", "\\|"))
          .append(" |\n");
    }
    return out.toString();
  }

  /**
   * The catalogued variables set in {@code env}, with secret values masked; safe to log or to write
   * into a report.
   */
  public Map<String, String> redacted(Map<String, String> env) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Variable v : variables) {
      String value = env.get(v.name());
      if (value != null) {
        out.put(v.name(), v.secret() ? Redaction.secret(value) : Redaction.userInfo(value));
      }
    }
    return out;
  }
}
