package dev.solstice.integration.github;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The permission sets installation tokens are minted with. Each operation asks for the smallest set
 * it needs, so a leaked token can do as little as possible. Besides the service's own sets, {@link
 * #of} makes one for exactly what a job was granted (issue 13, the gateway).
 */
public final class TokenScope {
  /** Reading files and writing check runs: what CI reporting needs. */
  public static final TokenScope CHECKS =
      new TokenScope("CHECKS", Map.of("checks", "write", "contents", "read", "metadata", "read"));

  /** Listing an installation's repositories (the record's reconciliation): every repository. */
  public static final TokenScope METADATA = new TokenScope("METADATA", Map.of("metadata", "read"));

  /** Writing commit statuses: the reporting of a personal access token (issue 17). */
  public static final TokenScope STATUSES =
      new TokenScope("STATUSES", Map.of("statuses", "write", "metadata", "read"));

  /** Creating issues and issue/PR comments: only for issue writes. */
  public static final TokenScope ISSUES =
      new TokenScope("ISSUES", Map.of("issues", "write", "metadata", "read"));

  /** Listing a pull request's files (path filters). */
  public static final TokenScope PULL_REQUESTS =
      new TokenScope("PULL_REQUESTS", Map.of("pull_requests", "read", "metadata", "read"));

  private final String name;
  private final Map<String, String> permissions;

  private TokenScope(String name, Map<String, String> permissions) {
    this.name = name;
    this.permissions = Map.copyOf(permissions);
  }

  /**
   * Exactly {@code permissions} (name to {@code read} or {@code write}); equal sets are equal
   * scopes, so tokens are cached per set.
   */
  public static TokenScope of(Map<String, String> permissions) {
    String name =
        new TreeMap<>(permissions)
            .entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(",", "SET[", "]"));
    return new TokenScope(name, permissions);
  }

  /** A stable name: the constant's, or the sorted permission list; part of the cache key. */
  public String name() {
    return name;
  }

  /** The {@code permissions} object sent to {@code POST /app/installations/{id}/access_tokens}. */
  public Map<String, String> permissions() {
    return permissions;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TokenScope t && t.name.equals(name);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name);
  }

  @Override
  public String toString() {
    return name;
  }
}
