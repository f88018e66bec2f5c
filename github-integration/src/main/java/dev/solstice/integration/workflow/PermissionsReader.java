package dev.solstice.integration.workflow;

import dev.solstice.kdl.KdlNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads a {@code permissions} block or its property form, at the top of a workflow or in a job
 * (issue 13; format: {@code docs/workflow-kdl.md}, "Permissions"): GitHub's names ({@link
 * Permissions#NAMES}) and levels {@code read}, {@code write}, {@code none}; {@code metadata} is
 * read only.
 */
final class PermissionsReader {

  private final KdlWorkflowParser.Reader r;

  PermissionsReader(KdlWorkflowParser.Reader reader) {
    this.r = reader;
  }

  /**
   * @param previous the block already read at the same place, else null (a second one is an error)
   */
  Map<String, String> read(KdlNode node, Map<String, String> previous) {
    if (previous != null) {
      throw r.error(node, "a second permissions block; merge them into one");
    }
    if (!node.getArguments().isEmpty()) {
      throw r.error(
          node,
          "permissions takes a block, permissions { contents \"read\"; issues \"write\" }, or"
              + " properties, permissions contents=\"read\" issues=\"write\"");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (var e : node.getProperties().entrySet()) {
      if (!e.getValue().isString()) {
        throw r.propertyError(node, e.getKey(), "permission " + e.getKey() + " takes a string");
      }
      put(out, node, e.getKey(), (String) e.getValue().value());
    }
    for (KdlNode p : node.getChildren()) {
      put(out, p, p.getName(), r.singleString(p, p.getName()));
    }
    return out;
  }

  private void put(Map<String, String> out, KdlNode where, String permission, String level) {
    if (!Permissions.NAMES.contains(permission)) {
      throw r.error(
          where,
          "unknown permission '"
              + permission
              + "'; expected one of "
              + String.join(", ", new TreeSet<>(Permissions.NAMES)));
    }
    boolean readOnly = permission.equals("metadata");
    if (!(level.equals("read") || level.equals("none") || (!readOnly && level.equals("write")))) {
      throw r.error(
          where,
          "permission "
              + permission
              + " takes "
              + (readOnly ? "\"read\" or \"none\"" : "\"read\", \"write\" or \"none\"")
              + ", not \""
              + level
              + "\"");
    }
    if (out.put(permission, level) != null) {
      throw r.error(where, "permission " + permission + " is given twice");
    }
  }
}
