package dev.solstice.integration.planning;

import dev.solstice.integration.core.Plan;

/**
 * The planner's answer: the plan, or what it must read from GitHub first. The caller reads it, adds
 * it to the {@link Inputs}, and asks again; the planner itself never does I/O.
 */
public sealed interface Step permits Step.Done, Step.Read {

  /** The plan is complete. */
  record Done(Plan plan) implements Step {}

  /** Something to read from GitHub before planning on. */
  sealed interface Read extends Step
      permits ReadWorkflow, ReadPullRequestFiles, ReadComparedFiles, ReadPullRequestOfCommit {
    long installationId();

    String repository();
  }

  /**
   * The workflow file at {@code ref}: the commit itself, or the pull request's base when the head
   * is an untrusted fork's ({@code fromBase}), so a fork cannot rewrite what runs.
   */
  record ReadWorkflow(long installationId, String repository, String ref, boolean fromBase)
      implements Read {}

  /** The files of a pull request. */
  record ReadPullRequestFiles(long installationId, String repository, int pullRequest)
      implements Read {}

  /** The files changed between two commits of a push. */
  record ReadComparedFiles(long installationId, String repository, String base, String head)
      implements Read {}

  /**
   * The open pull request whose head is {@code sha} ({@code pullRequest} when the event named one):
   * a Re-run of a fork's checks is judged as the pull request was, by its author's association.
   */
  record ReadPullRequestOfCommit(
      long installationId, String repository, String sha, Integer pullRequest) implements Read {}
}
