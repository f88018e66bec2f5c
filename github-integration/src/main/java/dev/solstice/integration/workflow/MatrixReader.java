package dev.solstice.integration.workflow;

import dev.solstice.kdl.KdlNode;
import dev.solstice.kdl.KdlValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Reads a job's {@code matrix} block (format: {@code docs/workflow-kdl.md}, "Matrix"). */
final class MatrixReader {

  private static final Pattern AXIS = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
  private static final String EXCLUDE = "exclude";

  private final KdlWorkflowParser.Reader r;

  MatrixReader(KdlWorkflowParser.Reader reader) {
    this.r = reader;
  }

  Matrix read(KdlNode node, String jobId) {
    String where = "the matrix of job \"" + jobId + "\"";
    if (!node.getArguments().isEmpty() || !node.getProperties().isEmpty()) {
      throw r.error(node, "matrix takes a block of axes: matrix { os \"linux\" \"macos\"; }");
    }
    Map<String, List<String>> axes = new LinkedHashMap<>();
    List<KdlNode> excludes = new ArrayList<>();
    for (KdlNode child : node.getChildren()) {
      String name = child.getName();
      if (name.equals(EXCLUDE)) {
        excludes.add(child);
        continue;
      }
      if (child.getArguments().isEmpty()) {
        String hint =
            Suggestions.closest(name, List.of(EXCLUDE))
                .map(s -> "; did you mean 'exclude'?")
                .orElse("");
        throw r.error(
            child,
            "matrix axis '"
                + name
                + "' has no values; write "
                + name
                + " \"a\" \"b\", or exclude axis=\"value\""
                + hint);
      }
      if (!AXIS.matcher(name).matches()) {
        throw r.error(
            child,
            "matrix axis name \""
                + name
                + "\" must be 1 to 64 letters, digits or '_', not starting with a digit");
      }
      if (axes.containsKey(name)) {
        throw r.error(child, "matrix axis '" + name + "' appears twice in " + where);
      }
      r.noPropertiesOrBlock(child, "matrix axis " + name + " takes values only");
      List<String> values = new ArrayList<>();
      for (KdlValue<?> v : child.getArguments()) {
        String value = r.scalar(child, v, "matrix axis " + name);
        if (values.contains(value)) {
          throw r.error(child, "matrix axis '" + name + "' lists \"" + value + "\" twice");
        }
        values.add(value);
      }
      axes.put(name, values);
    }
    if (axes.isEmpty()) {
      throw r.error(node, where + " has no axis; add one: os \"linux\" \"macos\"");
    }
    long size = 1;
    for (List<String> values : axes.values()) {
      size *= values.size();
      if (size > KdlWorkflowParser.MAX_JOBS) {
        throw r.error(
            node,
            where
                + " makes more than "
                + KdlWorkflowParser.MAX_JOBS
                + " jobs (the workflow's limit); use fewer values or exclude combinations");
      }
    }
    List<Map<String, String>> excluded = new ArrayList<>();
    for (KdlNode exclude : excludes) {
      excluded.add(exclude(exclude, axes));
    }
    Matrix matrix = new Matrix(axes, excluded);
    if (matrix.cells().isEmpty()) {
      throw r.error(node, where + " excludes every combination");
    }
    return matrix;
  }

  private Map<String, String> exclude(KdlNode node, Map<String, List<String>> axes) {
    if (!node.getArguments().isEmpty()
        || !node.getChildren().isEmpty()
        || node.getProperties().isEmpty()) {
      throw r.error(
          node, "exclude takes axis=\"value\" properties: exclude os=\"macos\" jdk=\"17\"");
    }
    Map<String, String> combination = new LinkedHashMap<>();
    for (var e : node.getProperties().entrySet()) {
      String axis = e.getKey();
      if (!axes.containsKey(axis)) {
        throw r.propertyError(
            node,
            axis,
            "exclude names '"
                + axis
                + "', which is not an axis of the matrix"
                + Suggestions.hint(axis, axes.keySet()));
      }
      String value = r.scalar(node, e.getValue(), "exclude " + axis);
      if (!axes.get(axis).contains(value)) {
        throw r.propertyError(
            node,
            axis,
            "exclude "
                + axis
                + "=\""
                + value
                + "\" matches no value of "
                + axis
                + Suggestions.hint(value, axes.get(axis)));
      }
      combination.put(axis, value);
    }
    return combination;
  }
}
