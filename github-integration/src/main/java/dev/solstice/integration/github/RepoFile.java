package dev.solstice.integration.github;

import java.nio.charset.StandardCharsets;

/**
 * A file read at a ref. {@code etag} identifies the content version (GitHub's ETag); may be null.
 */
public record RepoFile(RepoRef repo, String path, String ref, byte[] content, String etag) {
  public String text() {
    return new String(content, StandardCharsets.UTF_8);
  }

  public int size() {
    return content.length;
  }

  @Override
  public String toString() {
    return "RepoFile[" + repo + ":" + path + "@" + ref + ", " + content.length + " bytes]";
  }
}
