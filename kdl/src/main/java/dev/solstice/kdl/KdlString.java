package dev.solstice.kdl;

import java.util.Objects;

/**
 * A KDL string, whichever syntax it was written in (identifier, quoted, raw or multi-line).
 *
 * @param type the type annotation, or {@code null} for none
 * @param value the string after escapes and dedenting were resolved; never {@code null}
 */
public record KdlString(String type, String value) implements KdlValue<String> {

  /**
   * @param type the type annotation, or {@code null} for none
   * @param value the string; never {@code null}
   */
  public KdlString {
    Objects.requireNonNull(value, "value");
  }

  /**
   * @param value the string; never {@code null}
   */
  public KdlString(String value) {
    this(null, value);
  }

  @Override
  public boolean isString() {
    return true;
  }

  @Override
  public KdlString withType(String newType) {
    return new KdlString(newType, value);
  }
}
