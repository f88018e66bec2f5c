package dev.solstice.integration.pages;

/**
 * A job's log as the bucket holds it now: the final object ({@code complete}), or the parts
 * uploaded so far, in order up to the first missing number.
 *
 * @param bytes the log so far, UTF-8, possibly ending inside a line (or a character) when not
 *     complete
 * @param nextPart the number of the first part not read yet (1 when none was)
 * @param complete whether this is the final object
 * @param present whether there is anything at all: a final object or at least one part
 */
record LogSnapshot(byte[] bytes, int nextPart, boolean complete, boolean present) {

  static final LogSnapshot NONE = new LogSnapshot(new byte[0], 1, false, false);

  /** The bytes up to and including the last line break: what can be shown as whole lines. */
  int wholeLines() {
    int end = bytes.length;
    while (end > 0 && bytes[end - 1] != '\n') {
      end--;
    }
    return end;
  }
}
