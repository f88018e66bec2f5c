package dev.solstice.integration.github;

import java.util.List;

/**
 * Files a push or pull request changes, as GitHub lists them (a rename contributes both paths).
 *
 * @param complete false when GitHub's list reached its cap, so more files may have changed
 */
public record ChangedFiles(List<String> files, boolean complete) {

  /** GitHub lists at most this many files of a pull request. */
  public static final int MAX_PULL_REQUEST_FILES = 3000;

  /** GitHub lists at most this many files of a comparison. */
  public static final int MAX_COMPARE_FILES = 300;

  public ChangedFiles {
    files = List.copyOf(files);
  }
}
