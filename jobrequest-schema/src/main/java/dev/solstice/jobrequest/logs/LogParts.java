package dev.solstice.jobrequest.logs;

import java.util.OptionalInt;

/**
 * Where a running job's log goes in the bucket, part by part, before its final object (the contract
 * of docs/messages.md, "Live logs"): part {@code n} of the log at {@code <key>} is the object
 * {@code <key>.parts/<n>}, {@code n} counted from 1 and written with {@value #DIGITS} digits, so
 * the bucket lists parts in their order. The parts, concatenated in order, are the log so far; the
 * final object at {@code <key>} is the whole log and starts with all of them.
 *
 * @since issue 16
 */
public final class LogParts {

  /** Digits of a part number; parts past {@link #MAX_PART} are not written. */
  public static final int DIGITS = 6;

  public static final int MAX_PART = 999_999;

  private LogParts() {}

  /** The prefix every part of the log at {@code logKey} starts with: {@code <logKey>.parts/}. */
  public static String prefix(String logKey) {
    return logKey + ".parts/";
  }

  /** The key of part {@code number} (1 to {@link #MAX_PART}) of the log at {@code logKey}. */
  public static String key(String logKey, int number) {
    if (number < 1 || number > MAX_PART) {
      throw new IllegalArgumentException("part number out of 1.." + MAX_PART + ": " + number);
    }
    return prefix(logKey) + String.format("%0" + DIGITS + "d", number);
  }

  /** The number of the part at {@code key} of the log at {@code logKey}; empty if it is none. */
  public static OptionalInt number(String logKey, String key) {
    String prefix = prefix(logKey);
    if (!key.startsWith(prefix) || key.length() != prefix.length() + DIGITS) {
      return OptionalInt.empty();
    }
    String digits = key.substring(prefix.length());
    for (int i = 0; i < digits.length(); i++) {
      if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
        return OptionalInt.empty();
      }
    }
    int n = Integer.parseInt(digits);
    return n == 0 ? OptionalInt.empty() : OptionalInt.of(n);
  }
}
