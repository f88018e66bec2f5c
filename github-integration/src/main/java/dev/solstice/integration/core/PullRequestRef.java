package dev.solstice.integration.core;

/**
 * A pull request as GitHub lists it ({@code pull-request-simple}): what the trust policy needs to
 * judge a Re-run of its checks as it judged the pull request itself (issue 17).
 *
 * @param number the pull request's number; 0 for {@link #NONE}
 * @param state {@code open} or {@code closed}
 * @param headSha the head commit
 * @param headRepository full name of the head repository; null when the fork was deleted
 * @param baseRepository full name of the base repository
 * @param baseRef the base branch name
 * @param baseSha the base commit
 * @param author the author's login
 * @param authorAssociation {@code author_association} (OWNER, MEMBER, COLLABORATOR, ...)
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

  /** GitHub lists no open pull request for the commit: its author is unknown, so untrusted. */
  public static final PullRequestRef NONE =
      new PullRequestRef(0, null, null, null, null, null, null, null, null);

  /** Whether this is a pull request GitHub listed (not {@link #NONE}). */
  public boolean listed() {
    return number > 0;
  }

  /** Whether the head is in another repository than the base (or in a deleted fork). */
  public boolean fork() {
    return headRepository == null || !headRepository.equalsIgnoreCase(baseRepository);
  }
}
