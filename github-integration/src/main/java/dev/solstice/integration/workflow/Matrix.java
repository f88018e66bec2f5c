package dev.solstice.integration.workflow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A job's {@code matrix}: its axes (name → values, in file order) and the combinations excluded.
 * Pure: {@link #cells()} is the expansion, {@link #substitute} the {@code ${{ matrix.<axis> }}}
 * substitution (format: {@code docs/workflow-kdl.md}, "Matrix").
 *
 * @param axes each axis and its values, in the order written; at least one axis, each with at least
 *     one value
 * @param excludes partial combinations to leave out: a cell is left out when it has every pair of
 *     one of them
 */
public record Matrix(Map<String, List<String>> axes, List<Map<String, String>> excludes) {

  /** {@code ${{ matrix.os }}}, spaces inside the braces optional. */
  static final Pattern REFERENCE =
      Pattern.compile("\\$\\{\\{\\s*matrix\\.([A-Za-z_][A-Za-z0-9_]*)\\s*}}");

  public Matrix {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    axes.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    axes = java.util.Collections.unmodifiableMap(copy);
    excludes = excludes.stream().map(e -> Map.copyOf(new LinkedHashMap<>(e))).toList();
  }

  /**
   * Every combination of one value per axis, the first axis varying slowest (as written), minus the
   * excluded ones. Each cell maps axis → value in axis order.
   */
  public List<Map<String, String>> cells() {
    List<Map<String, String>> cells = new ArrayList<>();
    cells.add(new LinkedHashMap<>());
    for (var axis : axes.entrySet()) {
      List<Map<String, String>> next = new ArrayList<>();
      for (Map<String, String> cell : cells) {
        for (String value : axis.getValue()) {
          Map<String, String> grown = new LinkedHashMap<>(cell);
          grown.put(axis.getKey(), value);
          next.add(grown);
        }
      }
      cells = next;
    }
    return cells.stream()
        .filter(cell -> excludes.stream().noneMatch(e -> cell.entrySet().containsAll(e.entrySet())))
        .map(java.util.Collections::unmodifiableMap)
        .toList();
  }

  /** How many combinations there are before excludes (to refuse a huge matrix before expanding). */
  public long size() {
    long n = 1;
    for (List<String> values : axes.values()) {
      n = Math.multiplyExact(n, values.size());
    }
    return n;
  }

  /** The job id of a cell, which is also its check run's name: {@code test (jdk=21, os=linux)}. */
  public static String cellId(String jobId, Map<String, String> cell) {
    StringBuilder s = new StringBuilder(jobId).append(" (");
    String sep = "";
    for (var e : cell.entrySet()) {
      s.append(sep).append(e.getKey()).append('=').append(e.getValue());
      sep = ", ";
    }
    return s.append(')').toString();
  }

  /** The environment variable a cell's value of {@code axis} is given in: {@code MATRIX_OS}. */
  public static String envName(String axis) {
    return "MATRIX_" + axis.toUpperCase(Locale.ROOT);
  }

  /** {@code text} with every {@code ${{ matrix.<axis> }}} replaced by the cell's value. */
  public static String substitute(String text, Map<String, String> cell) {
    if (text == null || !text.contains("${{")) {
      return text;
    }
    Matcher m = REFERENCE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = cell.get(m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group() : value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** The axes {@code text} refers to with {@code ${{ matrix.<axis> }}}, in order. */
  static Set<String> references(String text) {
    Set<String> names = new LinkedHashSet<>();
    if (text != null) {
      Matcher m = REFERENCE.matcher(text);
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }
}
