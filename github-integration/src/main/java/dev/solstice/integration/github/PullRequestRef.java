package dev.solstice.integration.github;

import io.vertx.core.json.JsonObject;

/**
 * A pull request as GitHub lists it ({@code pull-request-simple}): what the trust policy needs to
 * judge a Re-run of its checks as it judged the pull request itself.
 *
 * @param number the pull request's number
 * @param state {@code open} or {@code closed}
 * @param headSha the head commit
 * @param headRepository full name of the head repository; null when the fork was deleted
 * @param baseRepository full name of the base repository
 * @param baseRef the base branch name
 * @param baseSha the base commit
 * @param author the author's login
 * @param authorAssociation {@code author_association} (OWNER, MEMBER, COLLABORATOR, ...)
 * @since issue 17
 */
public record PullRequestRef(
    int number,
    String state,
    String headSha,
    String headRepository,
    String baseRepository,
    String baseRef,
    String baseSha,
    String author,
    String authorAssociation) {

  /** Reads GitHub's {@code pull-request-simple} shape. */
  public static PullRequestRef fromJson(JsonObject pr) {
    JsonObject head = pr.getJsonObject("head", new JsonObject());
    JsonObject base = pr.getJsonObject("base", new JsonObject());
    JsonObject headRepo = head.getJsonObject("repo");
    return new PullRequestRef(
        pr.getInteger("number", 0),
        pr.getString("state"),
        head.getString("sha"),
        headRepo == null ? null : headRepo.getString("full_name"),
        base.getJsonObject("repo", new JsonObject()).getString("full_name"),
        base.getString("ref"),
        base.getString("sha"),
        pr.getJsonObject("user", new JsonObject()).getString("login"),
        pr.getString("author_association"));
  }

  /** Whether the head is in another repository than the base (or in a deleted fork). */
  public boolean fork() {
    return headRepository == null || !headRepository.equalsIgnoreCase(baseRepository);
  }
}
