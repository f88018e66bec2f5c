package dev.solstice.kdl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable KDL node.
 *
 * <p>Equality is structural. Property order takes no part in it (the spec says it carries no
 * meaning), nor does the source location; argument and child order do. {@code equals}, {@code
 * hashCode} and {@code toString} recurse into children, which is safe for documents within the
 * parser's nesting bound.
 *
 * @param type the type annotation of the node, or {@code null} for none
 * @param name the node name; never {@code null}
 * @param arguments the arguments in source order; unmodifiable, never {@code null}
 * @param properties the properties, at most one per key (a later duplicate replaces an earlier
 *     one), iterating in order of first appearance; unmodifiable, never {@code null}
 * @param children the child nodes in source order, empty when the node has no children block or an
 *     empty one; unmodifiable, never {@code null}
 * @param location where the node starts in the parsed source, or {@code null} for a node built in
 *     code
 */
public record KdlNode(
    String type,
    String name,
    List<KdlValue<?>> arguments,
    Map<String, KdlValue<?>> properties,
    List<KdlNode> children,
    KdlLocation location) {

  /**
   * Copies the collections, so later changes to the caller's collections do not leak into the node.
   *
   * @param type the type annotation, or {@code null} for none
   * @param name the node name; never {@code null}
   * @param arguments the arguments in order; no {@code null} elements
   * @param properties the properties; no {@code null} keys or values
   * @param children the child nodes in order; no {@code null} elements
   * @param location where the node starts in its source, or {@code null}
   */
  public KdlNode {
    Objects.requireNonNull(name, "name");
    arguments = List.copyOf(arguments);
    properties = copyProperties(properties);
    children = List.copyOf(children);
  }

  /**
   * A node without source location, as built in code.
   *
   * @param type the type annotation, or {@code null} for none
   * @param name the node name; never {@code null}
   * @param arguments the arguments in order
   * @param properties the properties
   * @param children the child nodes in order
   */
  public KdlNode(
      String type,
      String name,
      List<KdlValue<?>> arguments,
      Map<String, KdlValue<?>> properties,
      List<KdlNode> children) {
    this(type, name, arguments, properties, children, null);
  }

  /**
   * Compares everything but {@link #location()}, so a re-parsed or hand-built node equals the
   * original.
   */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof KdlNode)) {
      return false;
    }
    KdlNode other = (KdlNode) o;
    return Objects.equals(type, other.type)
        && name.equals(other.name)
        && arguments.equals(other.arguments)
        && properties.equals(other.properties)
        && children.equals(other.children);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, name, arguments, properties, children);
  }

  private static Map<String, KdlValue<?>> copyProperties(Map<String, KdlValue<?>> properties) {
    if (properties.isEmpty()) {
      return Map.of();
    }
    LinkedHashMap<String, KdlValue<?>> copy = new LinkedHashMap<>(properties);
    copy.forEach(
        (k, v) -> {
          Objects.requireNonNull(k, "property key");
          Objects.requireNonNull(v, "property value");
        });
    return Collections.unmodifiableMap(copy);
  }

  /**
   * The value of one property.
   *
   * @param key the property key
   * @return the value, or empty if the node has no such property
   */
  public Optional<KdlValue<?>> getProperty(String key) {
    return Optional.ofNullable(properties.get(key));
  }

  /**
   * @return the node name; kdl4j 1.x-style alias of {@link #name()}
   */
  public String getName() {
    return name;
  }

  /**
   * @return the type annotation or {@code null}; kdl4j 1.x-style alias of {@link #type()}
   */
  public String getType() {
    return type;
  }

  /**
   * @return the arguments; kdl4j 1.x-style alias of {@link #arguments()}
   */
  public List<KdlValue<?>> getArguments() {
    return arguments;
  }

  /**
   * @return the properties; kdl4j 1.x-style alias of {@link #properties()}
   */
  public Map<String, KdlValue<?>> getProperties() {
    return properties;
  }

  /**
   * @return the children; kdl4j 1.x-style alias of {@link #children()}
   */
  public List<KdlNode> getChildren() {
    return children;
  }

  /**
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A mutable builder of {@link KdlNode}; not thread-safe. */
  public static final class Builder {
    private String type;
    private String name;
    private final List<KdlValue<?>> arguments = new ArrayList<>();
    private final LinkedHashMap<String, KdlValue<?>> properties = new LinkedHashMap<>();
    private final List<KdlNode> children = new ArrayList<>();

    private Builder() {}

    /**
     * @param name the node name; required before {@link #build()}
     * @return this builder
     */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /**
     * @param type the type annotation, or {@code null} for none
     * @return this builder
     */
    public Builder type(String type) {
      this.type = type;
      return this;
    }

    /**
     * @param value a value accepted by {@link KdlValue#from(Object)}
     * @return this builder
     */
    public Builder argument(Object value) {
      arguments.add(KdlValue.from(value));
      return this;
    }

    /**
     * @param type the type annotation of the argument, or {@code null}
     * @param value a value accepted by {@link KdlValue#from(String, Object)}
     * @return this builder
     */
    public Builder argument(String type, Object value) {
      arguments.add(KdlValue.from(type, value));
      return this;
    }

    /**
     * Sets a property, replacing any earlier value for the same key.
     *
     * @param key the property key
     * @param value a value accepted by {@link KdlValue#from(Object)}
     * @return this builder
     */
    public Builder property(String key, Object value) {
      properties.put(Objects.requireNonNull(key, "key"), KdlValue.from(value));
      return this;
    }

    /**
     * Sets a typed property, replacing any earlier value for the same key.
     *
     * @param key the property key
     * @param type the type annotation of the value, or {@code null}
     * @param value a value accepted by {@link KdlValue#from(String, Object)}
     * @return this builder
     */
    public Builder property(String key, String type, Object value) {
      properties.put(Objects.requireNonNull(key, "key"), KdlValue.from(type, value));
      return this;
    }

    /**
     * @param child a child node
     * @return this builder
     */
    public Builder child(KdlNode child) {
      children.add(Objects.requireNonNull(child, "child"));
      return this;
    }

    /**
     * @param child a builder whose node is added as a child
     * @return this builder
     */
    public Builder child(Builder child) {
      return child(child.build());
    }

    /**
     * @param nodes child nodes, appended in order
     * @return this builder
     */
    public Builder children(List<KdlNode> nodes) {
      nodes.forEach(this::child);
      return this;
    }

    /**
     * @return the node
     * @throws NullPointerException if no name was set
     */
    public KdlNode build() {
      return new KdlNode(
          type, Objects.requireNonNull(name, "name"), arguments, properties, children);
    }
  }
}
