package dev.solstice.integration.github;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A repository as GitHub names it: {@code owner/name}. Names are validated so they can be put into
 * a URL path without escaping surprises.
 */
public record RepoRef(String owner, String name) {
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_.-]{1,100}");

  public RepoRef {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(name, "name");
    if (!SEGMENT.matcher(owner).matches() || !SEGMENT.matcher(name).matches()) {
      throw new IllegalArgumentException("not a GitHub repository name: " + owner + "/" + name);
    }
  }

  /** Parses {@code owner/name}. */
  public static RepoRef parse(String fullName) {
    int slash = fullName.indexOf('/');
    if (slash <= 0 || slash != fullName.lastIndexOf('/')) {
      throw new IllegalArgumentException("expected owner/name, got \"" + fullName + "\"");
    }
    return new RepoRef(fullName.substring(0, slash), fullName.substring(slash + 1));
  }

  public String fullName() {
    return owner + "/" + name;
  }

  @Override
  public String toString() {
    return fullName();
  }
}
