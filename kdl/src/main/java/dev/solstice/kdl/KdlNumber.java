package dev.solstice.kdl;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Objects;

/**
 * A KDL number. Integers and decimals are exact ({@link BigInteger}, {@link BigDecimal}); the
 * keywords {@code #inf}, {@code #-inf} and {@code #nan} have their own records.
 *
 * <p>The narrowing accessors ({@link #asInt()}, {@link #asLong()}) throw {@link
 * ArithmeticException} instead of silently truncating, since a configuration value that does not
 * fit is a user error worth reporting.
 *
 * @param <T> the Java representation of the number
 */
public sealed interface KdlNumber<T extends Number> extends KdlValue<T> {

  @Override
  default boolean isNumber() {
    return true;
  }

  /**
   * @return the value as an exact {@link BigInteger}
   * @throws ArithmeticException if the number has a non-zero fractional part or is not finite
   */
  BigInteger asBigInteger();

  /**
   * @return the value as an exact {@link BigDecimal}
   * @throws ArithmeticException if the number is not finite
   */
  BigDecimal asBigDecimal();

  /**
   * @return the value as an {@code int}
   * @throws ArithmeticException if the value is not an integer in the {@code int} range
   */
  default int asInt() {
    return asBigInteger().intValueExact();
  }

  /**
   * @return the value as a {@code long}
   * @throws ArithmeticException if the value is not an integer in the {@code long} range
   */
  default long asLong() {
    return asBigInteger().longValueExact();
  }

  /**
   * @return the nearest {@code double} (possibly infinite or NaN; precision may be lost)
   */
  default double asDouble() {
    return value().doubleValue();
  }

  /**
   * Wraps a Java number.
   *
   * @param type the type annotation, or {@code null} for none
   * @param number a {@link BigInteger}, {@link BigDecimal}, boxed primitive or other {@link Number}
   * @return an {@link Integer} for integral types, a {@link Decimal} for others, or the keyword
   *     numbers for non-finite {@code double}/{@code float} values
   */
  static KdlNumber<?> from(String type, Number number) {
    Objects.requireNonNull(number, "number");
    if (number instanceof BigInteger) {
      return new Integer(type, (BigInteger) number);
    }
    if (number instanceof BigDecimal) {
      return new Decimal(type, (BigDecimal) number);
    }
    if (number instanceof Long
        || number instanceof java.lang.Integer
        || number instanceof Short
        || number instanceof Byte) {
      return new Integer(type, BigInteger.valueOf(number.longValue()));
    }
    double d = number.doubleValue();
    if (Double.isNaN(d)) {
      return new NotANumber(type);
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? new PositiveInfinity(type) : new NegativeInfinity(type);
    }
    return new Decimal(type, new BigDecimal(number.toString()));
  }

  /**
   * An integer, written in decimal, hexadecimal ({@code 0x}), octal ({@code 0o}) or binary ({@code
   * 0b}).
   *
   * <p>The radix is kept for printers that want to preserve it, but it is presentation, not value:
   * it takes no part in {@link #equals(Object)} and {@link #hashCode()}, so {@code 0x10} equals
   * {@code 16}.
   *
   * @param type the type annotation, or {@code null} for none
   * @param value the exact value; never {@code null}
   * @param radix 2, 8, 10 or 16
   */
  record Integer(String type, BigInteger value, int radix) implements KdlNumber<BigInteger> {

    /**
     * @param type the type annotation, or {@code null} for none
     * @param value the exact value; never {@code null}
     * @param radix 2, 8, 10 or 16
     */
    public Integer {
      Objects.requireNonNull(value, "value");
      if (radix != 2 && radix != 8 && radix != 10 && radix != 16) {
        throw new IllegalArgumentException("radix must be 2, 8, 10 or 16, got " + radix);
      }
    }

    /**
     * A decimal integer.
     *
     * @param type the type annotation, or {@code null} for none
     * @param value the exact value; never {@code null}
     */
    public Integer(String type, BigInteger value) {
      this(type, value, 10);
    }

    /**
     * @param value the exact value, written in decimal, without type annotation
     */
    public Integer(BigInteger value) {
      this(null, value, 10);
    }

    @Override
    public BigInteger asBigInteger() {
      return value;
    }

    @Override
    public BigDecimal asBigDecimal() {
      return new BigDecimal(value);
    }

    @Override
    public Integer withType(String newType) {
      return new Integer(newType, value, radix);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Integer
          && Objects.equals(type, ((Integer) o).type)
          && value.equals(((Integer) o).value);
    }

    @Override
    public int hashCode() {
      return Objects.hashCode(type) * 31 + value.hashCode();
    }
  }

  /**
   * A number written with a fraction or an exponent, such as {@code 1.0} or {@code 1e10}.
   *
   * <p>Equality is {@link BigDecimal#equals(Object)}: {@code 1.0} and {@code 1.00} differ, as they
   * do in the source. A decimal is never equal to an {@link Integer}.
   *
   * @param type the type annotation, or {@code null} for none
   * @param value the exact value; never {@code null}
   */
  record Decimal(String type, BigDecimal value) implements KdlNumber<BigDecimal> {

    /**
     * @param type the type annotation, or {@code null} for none
     * @param value the exact value; never {@code null}
     */
    public Decimal {
      Objects.requireNonNull(value, "value");
    }

    /**
     * @param value the exact value, without type annotation
     */
    public Decimal(BigDecimal value) {
      this(null, value);
    }

    @Override
    public BigInteger asBigInteger() {
      return value.toBigIntegerExact();
    }

    @Override
    public BigDecimal asBigDecimal() {
      return value;
    }

    @Override
    public Decimal withType(String newType) {
      return new Decimal(newType, value);
    }
  }

  /**
   * {@code #inf}.
   *
   * @param type the type annotation, or {@code null} for none
   */
  record PositiveInfinity(String type) implements KdlNumber<Double> {

    @Override
    public Double value() {
      return Double.POSITIVE_INFINITY;
    }

    @Override
    public BigInteger asBigInteger() {
      throw new ArithmeticException("#inf has no integer value");
    }

    @Override
    public BigDecimal asBigDecimal() {
      throw new ArithmeticException("#inf has no decimal value");
    }

    @Override
    public PositiveInfinity withType(String newType) {
      return new PositiveInfinity(newType);
    }
  }

  /**
   * {@code #-inf}.
   *
   * @param type the type annotation, or {@code null} for none
   */
  record NegativeInfinity(String type) implements KdlNumber<Double> {

    @Override
    public Double value() {
      return Double.NEGATIVE_INFINITY;
    }

    @Override
    public BigInteger asBigInteger() {
      throw new ArithmeticException("#-inf has no integer value");
    }

    @Override
    public BigDecimal asBigDecimal() {
      throw new ArithmeticException("#-inf has no decimal value");
    }

    @Override
    public NegativeInfinity withType(String newType) {
      return new NegativeInfinity(newType);
    }
  }

  /**
   * {@code #nan}. Unlike {@code Double.NaN}, it is equal to itself (with the same annotation), so
   * documents containing it can be compared.
   *
   * @param type the type annotation, or {@code null} for none
   */
  record NotANumber(String type) implements KdlNumber<Double> {

    @Override
    public Double value() {
      return Double.NaN;
    }

    @Override
    public BigInteger asBigInteger() {
      throw new ArithmeticException("#nan has no integer value");
    }

    @Override
    public BigDecimal asBigDecimal() {
      throw new ArithmeticException("#nan has no decimal value");
    }

    @Override
    public NotANumber withType(String newType) {
      return new NotANumber(newType);
    }
  }
}
