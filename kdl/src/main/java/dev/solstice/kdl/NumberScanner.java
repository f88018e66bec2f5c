package dev.solstice.kdl;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Converts a number literal, already delimited as a run of identifier characters, into a {@link
 * KdlNumber}. The literal length is bounded because {@link BigInteger} and {@link BigDecimal} parse
 * in time quadratic in the digit count; with the bound, total work stays linear in the document
 * size.
 */
final class NumberScanner {
  private final Source src;
  private final int maxLength;

  NumberScanner(Source src, int maxLength) {
    this.src = src;
    this.maxLength = maxLength;
  }

  KdlNumber<?> parse(int start, int end, String type) throws KdlParseException {
    int[] cps = src.cps;
    if (end - start > maxLength) {
      throw src.error(
          start,
          "number literal is "
              + (end - start)
              + " characters long, over the limit of "
              + maxLength
              + " (KdlParser.Builder#maxNumberLength); quote it if it is meant as text");
    }
    int i = start;
    boolean negative = false;
    if (Chars.isSign(cps[i])) {
      negative = cps[i] == '-';
      i++;
    }
    if (cps[i] == '0'
        && i + 1 < end
        && (cps[i + 1] == 'x' || cps[i + 1] == 'o' || cps[i + 1] == 'b')) {
      return radixInteger(start, i + 2, end, negative, type);
    }
    StringBuilder sb = new StringBuilder(end - start);
    if (negative) {
      sb.append('-');
    }
    i = digits(sb, i, end);
    boolean decimal = false;
    if (i < end && cps[i] == '.') {
      decimal = true;
      sb.append('.');
      i++;
      if (i >= end || !Chars.isDigit(cps[i])) {
        throw src.error(
            i,
            "a '.' in a number must be followed by a digit, as in 1.0 "
                + "(found "
                + Chars.describe(i < end ? cps[i] : -1)
                + ")");
      }
      i = digits(sb, i, end);
    }
    if (i < end && (cps[i] == 'e' || cps[i] == 'E')) {
      decimal = true;
      sb.append('E');
      i++;
      if (i < end && Chars.isSign(cps[i])) {
        sb.append((char) cps[i]);
        i++;
      }
      if (i >= end || !Chars.isDigit(cps[i])) {
        throw src.error(
            i,
            "the exponent of a number needs digits, as in 1e10 or 1.5E-3 (found "
                + Chars.describe(i < end ? cps[i] : -1)
                + ")");
      }
      i = digits(sb, i, end);
    }
    if (i < end) {
      throw src.error(
          i,
          "unexpected "
              + Chars.describe(cps[i])
              + " in number '"
              + src.snippet(start, end)
              + "'; if it is meant as text, quote it: \""
              + src.snippet(start, end)
              + "\"");
    }
    if (decimal) {
      try {
        return new KdlNumber.Decimal(type, new BigDecimal(sb.toString()));
      } catch (NumberFormatException e) {
        throw src.error(start, "the exponent of '" + src.snippet(start, end) + "' is out of range");
      }
    }
    return new KdlNumber.Integer(type, integer(sb, 10), 10);
  }

  /**
   * Consumes digit (digit | '_')* from {@code i}, appending the digits; returns the index after
   * them.
   */
  private int digits(StringBuilder sb, int i, int end) {
    int[] cps = src.cps;
    while (i < end && (Chars.isDigit(cps[i]) || cps[i] == '_')) {
      if (cps[i] != '_') {
        sb.append((char) cps[i]);
      }
      i++;
    }
    return i;
  }

  private KdlNumber.Integer radixInteger(int start, int i, int end, boolean negative, String type)
      throws KdlParseException {
    int[] cps = src.cps;
    int radix;
    String name;
    switch (cps[i - 1]) {
      case 'x':
        radix = 16;
        name = "hexadecimal";
        break;
      case 'o':
        radix = 8;
        name = "octal";
        break;
      default:
        radix = 2;
        name = "binary";
        break;
    }
    if (i >= end || Character.digit(cps[i], radix) < 0 || cps[i] > 'f') {
      throw src.error(
          i,
          "expected a "
              + name
              + " digit after '"
              + src.text(i - 2, i)
              + "', found "
              + Chars.describe(i < end ? cps[i] : -1));
    }
    StringBuilder sb = new StringBuilder(end - i + 1);
    if (negative) {
      sb.append('-');
    }
    for (; i < end; i++) {
      int c = cps[i];
      if (c == '_') {
        continue;
      }
      if (c > 'f' || Character.digit(c, radix) < 0) {
        throw src.error(
            i,
            "unexpected "
                + Chars.describe(c)
                + " in "
                + name
                + " number '"
                + src.snippet(start, end)
                + "'");
      }
      sb.append((char) c);
    }
    return new KdlNumber.Integer(type, integer(sb, radix), radix);
  }

  private static BigInteger integer(StringBuilder digits, int radix) {
    // Long covers the common case without BigInteger's general parser: 15 hex digits or 18 decimal
    // ones fit.
    if (digits.length() <= (radix == 10 ? 18 : 15)) {
      return BigInteger.valueOf(Long.parseLong(digits, 0, digits.length(), radix));
    }
    return new BigInteger(digits.toString(), radix);
  }
}
