package dev.solstice.integration.github;

import java.util.Map;

/**
 * The permission sets installation tokens are minted with. Each operation asks for the smallest set
 * it needs, so a leaked token can do as little as possible.
 */
public enum TokenScope {
  /** Reading files and writing check runs: what CI reporting needs. */
  CHECKS(Map.of("checks", "write", "contents", "read", "metadata", "read")),
  /** Creating issues and issue/PR comments: only for issue writes. */
  ISSUES(Map.of("issues", "write", "metadata", "read")),
  /** Listing a pull request's files (path filters). */
  PULL_REQUESTS(Map.of("pull_requests", "read", "metadata", "read")),
  /** Listing an installation's repositories (the record's reconciliation): every repository. */
  METADATA(Map.of("metadata", "read"));

  private final Map<String, String> permissions;

  TokenScope(Map<String, String> permissions) {
    this.permissions = permissions;
  }

  /** The {@code permissions} object sent to {@code POST /app/installations/{id}/access_tokens}. */
  public Map<String, String> permissions() {
    return permissions;
  }
}
