package dev.solstice.kdl;

/**
 * The KDL {@code #null} value.
 *
 * @param type the type annotation, or {@code null} for none
 */
public record KdlNull(String type) implements KdlValue<Object> {

  /** A {@code #null} without type annotation. */
  public KdlNull() {
    this(null);
  }

  /**
   * @return always {@code null}
   */
  @Override
  public Object value() {
    return null;
  }

  @Override
  public boolean isNull() {
    return true;
  }

  @Override
  public KdlNull withType(String newType) {
    return new KdlNull(newType);
  }
}
