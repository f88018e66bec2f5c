package dev.solstice.integration.policy;

import java.util.regex.Pattern;

/**
 * A glob as GitHub Actions' filters use them: {@code *} matches any run of characters except {@code
 * /}, {@code **} any run including {@code /} ({@code dir/**} also matches {@code dir} itself's
 * files at any depth, {@code **}{@code /x} matches {@code x} at any depth), {@code ?} one character
 * except {@code /}, {@code [abc]} / {@code [a-z]} / {@code [!abc]} one character of (or not of) a
 * set. Every other character matches itself; {@code \} escapes the next one. Immutable and
 * thread-safe.
 */
public final class Glob {

  private final String source;
  private final Pattern pattern;

  private Glob(String source, Pattern pattern) {
    this.source = source;
    this.pattern = pattern;
  }

  /**
   * @throws IllegalArgumentException for an empty pattern or an unclosed {@code [}
   */
  public static Glob compile(String glob) {
    return compile(glob, false);
  }

  /** Case-insensitive (for repository and owner names, which GitHub compares so). */
  public static Glob compileIgnoreCase(String glob) {
    return compile(glob, true);
  }

  private static Glob compile(String glob, boolean ignoreCase) {
    if (glob == null || glob.isEmpty()) {
      throw new IllegalArgumentException("empty pattern");
    }
    StringBuilder re = new StringBuilder();
    int n = glob.length();
    for (int i = 0; i < n; i++) {
      char c = glob.charAt(i);
      switch (c) {
        case '*' -> {
          if (i + 1 < n && glob.charAt(i + 1) == '*') {
            i++;
            boolean slashAfter = i + 1 < n && glob.charAt(i + 1) == '/';
            boolean atSegmentStart = i - 1 == 0 || glob.charAt(i - 2) == '/';
            if (slashAfter && atSegmentStart) {
              i++;
              re.append("(?:.*/)?"); // "**/" : zero or more directories
            } else {
              re.append(".*");
            }
          } else {
            re.append("[^/]*");
          }
        }
        case '?' -> re.append("[^/]");
        case '[' -> {
          int end = glob.indexOf(']', i + 2);
          if (end < 0) {
            throw new IllegalArgumentException("unclosed [ in \"" + glob + "\"");
          }
          String set = glob.substring(i + 1, end);
          boolean negated = set.startsWith("!") || set.startsWith("^");
          if (negated) {
            set = set.substring(1);
          }
          re.append('[').append(negated ? "^/" : "");
          for (int k = 0; k < set.length(); k++) {
            char s = set.charAt(k);
            boolean range = s == '-' && k > 0 && k < set.length() - 1;
            re.append(range || Character.isLetterOrDigit(s) ? String.valueOf(s) : "\\" + s);
          }
          re.append(']');
          i = end;
        }
        case '\\' -> {
          if (i + 1 < n) {
            re.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
          } else {
            re.append("\\\\");
          }
        }
        default -> re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    int flags = ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0;
    return new Glob(glob, Pattern.compile(re.toString(), flags));
  }

  public boolean matches(String value) {
    return value != null && pattern.matcher(value).matches();
  }

  public String source() {
    return source;
  }

  @Override
  public String toString() {
    return source;
  }
}
