package dev.solstice.kdl;

/**
 * A KDL value: an argument of a node or the value of a property.
 *
 * <p>Implementations are immutable records; two values are equal when they have the same kind, the
 * same type annotation and the same value (see {@link KdlNumber.Integer} for the one exception: the
 * source radix).
 *
 * @param <T> the Java representation of the value
 */
public sealed interface KdlValue<T> permits KdlString, KdlNumber, KdlBoolean, KdlNull {

  /**
   * The type annotation, e.g. {@code "u8"} for {@code (u8)10}.
   *
   * @return the annotation without parentheses, or {@code null} when the value has none
   */
  String type();

  /**
   * The value itself.
   *
   * @return the Java representation; {@code null} only for {@link KdlNull}
   */
  T value();

  /**
   * @return the type annotation ({@code null} if absent); kdl4j 1.x-style alias of {@link #type()}
   */
  default String getType() {
    return type();
  }

  /**
   * @return whether this is a {@link KdlString}
   */
  default boolean isString() {
    return false;
  }

  /**
   * @return whether this is a {@link KdlNumber}, including {@code #inf}, {@code #-inf} and {@code
   *     #nan}
   */
  default boolean isNumber() {
    return false;
  }

  /**
   * @return whether this is a {@link KdlBoolean}
   */
  default boolean isBoolean() {
    return false;
  }

  /**
   * @return whether this is {@link KdlNull}
   */
  default boolean isNull() {
    return false;
  }

  /**
   * Wraps a Java object in a KDL value without type annotation.
   *
   * @param value {@code null}, a {@link Boolean}, a {@link Number}, a {@link CharSequence} or a
   *     {@link KdlValue}
   * @return the matching value; a {@code KdlValue} argument is returned as is
   * @throws IllegalArgumentException for any other kind of object
   */
  static KdlValue<?> from(Object value) {
    if (value instanceof KdlValue<?>) {
      return (KdlValue<?>) value;
    }
    return from(null, value);
  }

  /**
   * Wraps a Java object in a KDL value.
   *
   * @param type the type annotation, or {@code null} for none
   * @param value {@code null}, a {@link Boolean}, a {@link Number}, a {@link CharSequence} or a
   *     {@link KdlValue} (whose own annotation is then replaced by {@code type})
   * @return the matching value
   * @throws IllegalArgumentException for any other kind of object
   */
  static KdlValue<?> from(String type, Object value) {
    if (value == null) {
      return new KdlNull(type);
    }
    if (value instanceof KdlValue<?>) {
      return ((KdlValue<?>) value).withType(type);
    }
    if (value instanceof Boolean) {
      return new KdlBoolean(type, (Boolean) value);
    }
    if (value instanceof Number) {
      return KdlNumber.from(type, (Number) value);
    }
    if (value instanceof CharSequence) {
      return new KdlString(type, value.toString());
    }
    throw new IllegalArgumentException(
        "cannot convert " + value.getClass().getName() + " to a KDL value");
  }

  /**
   * A copy of this value with another type annotation.
   *
   * @param type the new annotation, or {@code null} to remove it
   * @return a value of the same kind
   */
  KdlValue<T> withType(String type);
}
