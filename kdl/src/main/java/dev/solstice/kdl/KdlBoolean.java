package dev.solstice.kdl;

/**
 * A KDL boolean, {@code #true} or {@code #false}.
 *
 * @param type the type annotation, or {@code null} for none
 * @param value the boolean
 */
public record KdlBoolean(String type, Boolean value) implements KdlValue<Boolean> {

  /**
   * @param type the type annotation, or {@code null} for none
   * @param value the boolean; never {@code null}
   */
  public KdlBoolean {
    java.util.Objects.requireNonNull(value, "value");
  }

  /**
   * @param value the boolean
   */
  public KdlBoolean(boolean value) {
    this(null, value);
  }

  @Override
  public boolean isBoolean() {
    return true;
  }

  @Override
  public KdlBoolean withType(String newType) {
    return new KdlBoolean(newType, value);
  }
}
