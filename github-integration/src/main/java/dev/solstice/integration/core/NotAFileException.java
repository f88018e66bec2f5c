package dev.solstice.integration.core;

/**
 * The path asked for with {@code GitHubClient.getContent} exists but is not a regular file: a
 * directory, a symlink or a submodule.
 */
public final class NotAFileException extends IntegrationException {
  public enum Kind {
    DIRECTORY,
    SYMLINK,
    SUBMODULE,
    OTHER
  }

  private final Kind kind;

  public NotAFileException(String repo, String path, String ref, Kind kind, String detail) {
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

  /** Not retryable: the same path at the same ref stays what it is. */
  @Override
  public boolean retryable() {
    return false;
  }

  public Kind kind() {
    return kind;
  }
}
