package dev.solstice.integration.planning;

import dev.solstice.integration.core.BuildTrigger;
import dev.solstice.integration.core.PullRequestRef;

/**
 * A Re-run of a fork's checks seen as the pull request it re-runs, so the trust policy judges it as
 * it judged the pull request (issue 17): the author and association from the pull request GitHub
 * lists for the commit, its base for the workflow of an untrusted head.
 */
final class Reruns {

  private Reruns() {}

  /** Whether the planner must read the pull request before judging {@code t}. */
  static boolean needsPullRequest(BuildTrigger t, Inputs inputs) {
    return t.isRerun() && t.fork() && inputs.pullRequest() == null;
  }

  /**
   * The re-run with the pull request's facts; unchanged (a fork of unknown author, so untrusted)
   * when GitHub lists none.
   */
  static BuildTrigger withPullRequest(BuildTrigger t, PullRequestRef pr) {
    if (pr == null || !pr.listed()) {
      return t;
    }
    return new BuildTrigger(
        t.event(),
        t.action(),
        t.repository(),
        t.repoUrl(),
        t.commitSha(),
        pr.fork() ? "refs/pull/" + pr.number() + "/head" : t.ref(),
        pr.number(),
        t.installationId(),
        t.checkAppId(),
        t.rerunExternalId(),
        t.rerunCheckName(),
        t.headCommitMessage(),
        t.sender(),
        t.senderType(),
        pr.author(),
        pr.authorAssociation(),
        t.labels(),
        t.draft(),
        pr.headRepository(),
        pr.fork(),
        pr.baseRef(),
        pr.baseSha(),
        t.beforeSha(),
        t.changedFiles(),
        t.headRef(),
        t.pullRequestTitle());
  }
}
