package dev.solstice.kdl;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An immutable KDL document: its top-level nodes, in source order. Comments, slashdashed elements
 * and formatting are not kept.
 *
 * @param nodes the top-level nodes; unmodifiable, never {@code null}
 */
public record KdlDocument(List<KdlNode> nodes) {

  /**
   * Copies the list, so later changes to the caller's list do not leak into the document.
   *
   * @param nodes the top-level nodes; no {@code null} elements
   */
  public KdlDocument {
    nodes = List.copyOf(nodes);
  }

  /**
   * @return the top-level nodes; kdl4j 1.x-style alias of {@link #nodes()}
   */
  public List<KdlNode> getNodes() {
    return nodes;
  }

  /**
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A mutable builder of {@link KdlDocument}; not thread-safe. */
  public static final class Builder {
    private final List<KdlNode> nodes = new ArrayList<>();

    private Builder() {}

    /**
     * @param node a top-level node
     * @return this builder
     */
    public Builder node(KdlNode node) {
      nodes.add(Objects.requireNonNull(node, "node"));
      return this;
    }

    /**
     * @param node a builder whose node is appended
     * @return this builder
     */
    public Builder node(KdlNode.Builder node) {
      return node(node.build());
    }

    /**
     * @return the document
     */
    public KdlDocument build() {
      return new KdlDocument(nodes);
    }
  }
}
