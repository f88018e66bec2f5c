package dev.solstice.integration.github;

/**
 * The path asked for with {@link GitHubClient#getContent} exists but is not a regular file: a
 * directory, a symlink or a submodule.
 */
public final class NotAFileException extends RuntimeException {
  public enum Kind { DIRECTORY, SYMLINK, SUBMODULE, OTHER }

  private final Kind kind;

  public NotAFileException(RepoRef repo, String path, String ref, Kind kind, String detail) {
    super(
        repo
            + ":"
            + path
            + "@"
            + ref
            + " is a "
            + kind.name().toLowerCase(java.util.Locale.ROOT)
            + ", not a file"
            + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")"));
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
