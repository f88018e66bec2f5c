package dev.solstice.integration.github;

/**
 * Filters of {@code GET /repos/{owner}/{repo}/commits/{ref}/check-runs}; nulls are omitted.
 *
 * @param checkName only runs with this name
 * @param filter {@code latest} (default at GitHub) or {@code all}
 * @param appId only runs created by this GitHub App
 */
public record CheckRunQuery(String checkName, String filter, Long appId) {
  public static CheckRunQuery all() {
    return new CheckRunQuery(null, null, null);
  }
}
