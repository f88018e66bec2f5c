package dev.solstice.integration.core;

import java.util.List;
import java.util.Set;

/**
 * A delivery that asks for CI: a push, a pull request opened/synchronized/reopened (or made ready
 * for review, or labelled), or a Re-run request from the Checks UI; or that ends it: a pull request
 * closed.
 *
 * @param repository full name {@code owner/repo} of the repository the checks are reported on
 * @param repoUrl clone URL of the code to build (the fork's for a fork pull request)
 * @param commitSha the exact commit to build
 * @param ref full ref, e.g. {@code refs/heads/main} or {@code refs/pull/7/head}; null when unknown
 * @param pullRequestNumber null unless a pull request
 * @param installationId the App installation that sent it; null for a non-App webhook
 * @param checkAppId for check_suite/check_run events, the App that owns the suite or run
 * @param rerunExternalId for a single check run's Re-run, its external_id (our request_id)
 * @param rerunCheckName for a single check run's Re-run, its name
 * @param headCommitMessage a push's {@code head_commit.message}; null otherwise
 * @param sender login of the user or bot that caused the event
 * @param senderType {@code sender.type}: {@code User}, {@code Bot}, {@code Organization}; null when
 *     absent
 * @param author a pull request's author ({@code pull_request.user.login}); the sender for a push
 * @param authorAssociation a pull request's {@code author_association} (OWNER, MEMBER,
 *     COLLABORATOR, CONTRIBUTOR, FIRST_TIME_CONTRIBUTOR, FIRST_TIMER, MANNEQUIN, NONE); null
 *     otherwise
 * @param labels a pull request's label names; empty otherwise
 * @param draft whether a pull request is a draft
 * @param headRepository full name of a pull request's head repository; null for a push, or when the
 *     fork was deleted
 * @param fork whether a pull request comes from another repository (a fork, or a deleted one)
 * @param baseRef a pull request's base branch name ({@code main}); null otherwise
 * @param baseSha a pull request's base commit; null otherwise
 * @param beforeSha a push's {@code before} commit (all zeros for a new branch or tag); null
 *     otherwise
 * @param changedFiles the files a push touched, from its commits' added/modified/removed; null when
 *     the payload cannot tell (no commits, or GitHub's cap of 20 commits reached) and for other
 *     events
 * @param headRef a pull request's head branch name ({@code pull_request.head.ref}); null otherwise
 * @param pullRequestTitle a pull request's title; null otherwise
 */
public record BuildTrigger(
    String event,
    String action,
    String repository,
    String repoUrl,
    String commitSha,
    String ref,
    Integer pullRequestNumber,
    Long installationId,
    Long checkAppId,
    String rerunExternalId,
    String rerunCheckName,
    String headCommitMessage,
    String sender,
    String senderType,
    String author,
    String authorAssociation,
    List<String> labels,
    boolean draft,
    String headRepository,
    boolean fork,
    String baseRef,
    String baseSha,
    String beforeSha,
    List<String> changedFiles,
    String headRef,
    String pullRequestTitle)
    implements WebhookEvent {

  /**
   * Pull request actions that may start a build: the three that change the head, plus
   * ready_for_review and labeled, which a workflow's {@code on} section can select.
   */
  public static final Set<String> PULL_REQUEST_ACTIONS =
      Set.of("opened", "synchronize", "reopened", "ready_for_review", "labeled");

  /**
   * The pull request action that cancels the pull request's unfinished jobs (closed or merged); it
   * starts no build.
   */
  public static final String CLOSED = "closed";

  public BuildTrigger {
    labels = labels == null ? List.of() : List.copyOf(labels);
    changedFiles = changedFiles == null ? null : List.copyOf(changedFiles);
  }

  public boolean isRerun() {
    return "rerequested".equals(action);
  }

  public boolean isPullRequest() {
    return "pull_request".equals(event);
  }

  /** A pull request closed or merged: its unfinished jobs are cancelled. */
  public boolean isClosedPullRequest() {
    return isPullRequest() && CLOSED.equals(action);
  }

  public boolean isPush() {
    return "push".equals(event);
  }

  /** The branch a push went to ({@code main}), or null for a tag or another event. */
  public String branch() {
    return isPush() && ref != null && ref.startsWith("refs/heads/")
        ? ref.substring("refs/heads/".length())
        : null;
  }

  /** The tag a push created or moved ({@code v1.2}), or null. */
  public String tag() {
    return isPush() && ref != null && ref.startsWith("refs/tags/")
        ? ref.substring("refs/tags/".length())
        : null;
  }

  /**
   * Whether the sender is a bot account ({@code sender.type} Bot, or a login ending in {@code
   * [bot]}).
   */
  public boolean senderIsBot() {
    return "Bot".equalsIgnoreCase(senderType) || (sender != null && sender.endsWith("[bot]"));
  }
}
