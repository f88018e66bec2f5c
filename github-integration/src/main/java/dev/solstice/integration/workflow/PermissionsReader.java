package dev.solstice.integration.workflow;

import dev.solstice.kdl.KdlNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads a {@code permissions} block, at the top of a workflow or in a job (issue 13; format: {@code
 * docs/workflow-kdl.md}, "Permissions"): GitHub's names ({@link Permissions#NAMES}) and levels
 * {@code read}, {@code write}, {@code none}; {@code metadata} is read only.
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
    if (!node.getArguments().isEmpty() || !node.getProperties().isEmpty()) {
      throw r.error(
          node, "permissions takes a block: permissions { contents \"read\"; issues \"write\" }");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (KdlNode p : node.getChildren()) {
      String permission = p.getName();
      if (!Permissions.NAMES.contains(permission)) {
        throw r.error(
            p,
            "unknown permission '"
                + permission
                + "'; expected one of "
                + String.join(", ", new TreeSet<>(Permissions.NAMES)));
      }
      String level = r.singleString(p, permission);
      boolean readOnly = permission.equals("metadata");
      if (!(level.equals("read") || level.equals("none") || (!readOnly && level.equals("write")))) {
        throw r.error(
            p,
            "permission "
                + permission
                + " takes "
                + (readOnly ? "\"read\" or \"none\"" : "\"read\", \"write\" or \"none\"")
                + ", not \""
                + level
                + "\"");
      }
      if (out.put(permission, level) != null) {
        throw r.error(p, "permission " + permission + " is given twice");
      }
    }
    return out;
  }
}
