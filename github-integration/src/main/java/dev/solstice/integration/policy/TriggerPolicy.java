package dev.solstice.integration.policy;

import dev.solstice.integration.core.BuildTrigger;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether a trigger runs: first the service's policies ({@link #admission}, before any
 * GitHub call), then the workflow's {@code on} section ({@link #evaluate}, and {@link #paths} once
 * the changed files are known). Pure functions of their arguments.
 */
public final class TriggerPolicy {

  /**
   * Pull request actions that move the head: not running for one of them must leave skipped checks.
   */
  public static final Set<String> HEAD_ACTIONS = Set.of("opened", "synchronize", "reopened");

  private TriggerPolicy() {}

  /**
   * The service-level decision: the repository allow/denylist (DENY), skip markers in a push's head
   * commit message (SKIP), the fork pull request policy (HOLD). Re-runs requested in the Checks UI
   * pass the marker check, but a fork's Re-run meets the fork policy as its pull request did: a
   * Re-run is no approval.
   */
  public static Verdict admission(BuildTrigger t, PolicySettings settings) {
    Optional<String> refused = settings.repos().refusal(t.repository());
    if (refused.isPresent()) {
      return Verdict.deny(refused.get());
    }
    if (t.isPush()) {
      Optional<String> marker = SkipMarkers.find(t.headCommitMessage());
      if (marker.isPresent()) {
        return Verdict.skip("The head commit message contains `" + marker.get() + "`.");
      }
    }
    if ((t.isPullRequest() || t.isRerun())
        && t.fork()
        && !settings.forkPolicy().allows(t.authorAssociation())) {
      return Verdict.hold(
          (t.pullRequestNumber() == null
                  ? "This commit has no open pull request listed in this repository; it"
                  : (t.isRerun() ? "Re-run of pull request #" : "Pull request #")
                      + t.pullRequestNumber())
              + " comes from "
              + (t.headRepository() != null
                  ? "the fork " + t.headRepository()
                  : t.pullRequestNumber() == null ? "a fork" : "a deleted fork")
              + " and its author "
              + (t.author() == null ? "" : "@" + t.author() + " ")
              + "is "
              + describe(t.authorAssociation())
              + "; this service runs fork pull requests "
              + switch (settings.forkPolicy()) {
                case NEVER -> "never automatically";
                case MEMBERS -> "automatically only for owners, members and collaborators";
                case ALWAYS -> "always";
              }
              + " (`FORK_PR_POLICY="
              + settings.forkPolicy().configName()
              + "`). A Re-run is judged the same way; a maintainer can run it by pushing the"
              + " branch to this repository.");
    }
    return Verdict.RUN;
  }

  private static String describe(String association) {
    return association == null
        ? "of unknown association"
        : "`" + association + "` (not OWNER, MEMBER or COLLABORATOR)";
  }

  /**
   * Whether the workflow must be read from the base branch rather than the pull request's head: a
   * fork pull request whose author is not trusted, so a fork cannot rewrite what runs.
   */
  public static boolean untrustedHead(BuildTrigger t) {
    return (t.isPullRequest() || t.isRerun())
        && t.fork()
        && !ForkPolicy.trusted(t.authorAssociation());
  }

  /**
   * The workflow-level decision, all but the path filters. {@code on} null (no trigger section)
   * keeps the behaviour of a workflow without one: every push, and pull requests opened,
   * synchronized or reopened.
   */
  public static Verdict evaluate(Triggers on, BuildTrigger t) {
    if (t.isRerun() || !(t.isPush() || t.isPullRequest())) {
      return Verdict.RUN;
    }
    if (on == null) {
      return t.isPullRequest() && !HEAD_ACTIONS.contains(t.action())
          ? Verdict.ignore(
              "pull_request " + t.action() + " does not run a workflow without an `on` section")
          : Verdict.RUN;
    }
    EventFilter filter = t.isPush() ? on.push() : on.pullRequest();
    if (filter == null) {
      return notRun(t, "The workflow's `on` section does not list `" + t.event() + "`.");
    }
    if (t.isPullRequest() && !filter.effectiveTypes().contains(t.action())) {
      return notRun(t, "The workflow does not run on pull_request `" + t.action() + "`.");
    }
    if (on.ignoreBots() && t.senderIsBot()) {
      return notRun(t, "Sent by the bot @" + t.sender() + " (`ignore_bots`).");
    }
    String author = t.author() != null ? t.author() : t.sender();
    if (!on.authors().isEmpty() && !on.authors().matches(author)) {
      return notRun(t, "The author @" + author + " is not in the workflow's `authors`.");
    }
    if (on.authorsIgnore().matches(author)) {
      return notRun(t, "The author @" + author + " is in the workflow's `authors_ignore`.");
    }
    return t.isPush() ? push(filter, t) : pullRequest(filter, t);
  }

  private static Verdict push(EventFilter f, BuildTrigger t) {
    boolean branchFilters = !f.branches().isEmpty() || !f.branchesIgnore().isEmpty();
    boolean tagFilters = !f.tags().isEmpty() || !f.tagsIgnore().isEmpty();
    String branch = t.branch();
    String tag = t.tag();
    if (branch != null) {
      if (!branchFilters && tagFilters) {
        return Verdict.skip("The workflow runs on pushes of tags only.");
      }
      if (!f.branches().isEmpty() && !f.branches().matches(branch)) {
        return Verdict.skip(
            "The branch `" + branch + "` matches none of `branches` (" + f.branches() + ").");
      }
      if (f.branchesIgnore().matches(branch)) {
        return Verdict.skip(
            "The branch `" + branch + "` matches `branches_ignore` (" + f.branchesIgnore() + ").");
      }
    } else if (tag != null) {
      if (!tagFilters && branchFilters) {
        return Verdict.skip("The workflow runs on pushes of branches only.");
      }
      if (!f.tags().isEmpty() && !f.tags().matches(tag)) {
        return Verdict.skip("The tag `" + tag + "` matches none of `tags` (" + f.tags() + ").");
      }
      if (f.tagsIgnore().matches(tag)) {
        return Verdict.skip(
            "The tag `" + tag + "` matches `tags_ignore` (" + f.tagsIgnore() + ").");
      }
    }
    return Verdict.RUN;
  }

  private static Verdict pullRequest(EventFilter f, BuildTrigger t) {
    String base = t.baseRef();
    if (!f.branches().isEmpty() && !f.branches().matches(base)) {
      return Verdict.skip(
          "The base branch `" + base + "` matches none of `branches` (" + f.branches() + ").");
    }
    if (f.branchesIgnore().matches(base)) {
      return Verdict.skip(
          "The base branch `" + base + "` matches `branches_ignore` (" + f.branchesIgnore() + ").");
    }
    if (t.draft() && !f.drafts()) {
      return Verdict.skip(
          "Draft pull request; the workflow runs drafts only with `drafts #true`. It will run"
              + " when the pull request is marked ready for review.");
    }
    List<String> labels = t.labels().stream().map(l -> l.toLowerCase(Locale.ROOT)).toList();
    if (!f.labels().isEmpty()
        && f.labels().stream().noneMatch(l -> labels.contains(l.toLowerCase(Locale.ROOT)))) {
      return Verdict.skip("The pull request has none of the labels " + quoted(f.labels()) + ".");
    }
    Optional<String> ignored =
        f.labelsIgnore().stream()
            .filter(l -> labels.contains(l.toLowerCase(Locale.ROOT)))
            .findFirst();
    if (ignored.isPresent()) {
      return Verdict.skip(
          "The pull request has the label `" + ignored.get() + "` (`labels_ignore`).");
    }
    return Verdict.RUN;
  }

  /** Not running for this event: skipped checks when it moved a head, else nothing at all. */
  private static Verdict notRun(BuildTrigger t, String reason) {
    return t.isPullRequest() && !HEAD_ACTIONS.contains(t.action())
        ? Verdict.ignore(reason)
        : Verdict.skip(reason);
  }

  /**
   * The path filters of the trigger's event, or null when it has none (so no file list is needed).
   */
  public static EventFilter pathFilter(Triggers on, BuildTrigger t) {
    if (on == null || t.isRerun()) {
      return null;
    }
    EventFilter f = t.isPush() ? on.push() : t.isPullRequest() ? on.pullRequest() : null;
    return f != null && f.filtersPaths() ? f : null;
  }

  /**
   * The path filters against the changed files: runs when a file matches {@code paths} (if given)
   * and not every file matches {@code paths_ignore} (if given). {@code files} null (unknown, e.g.
   * too many to list) runs.
   */
  public static Verdict paths(EventFilter f, List<String> files) {
    if (files == null) {
      return Verdict.RUN;
    }
    if (!f.paths().isEmpty() && !f.paths().matchesAny(files)) {
      return Verdict.skip(
          "No changed file matches `paths` (" + f.paths() + ")" + changed(files) + ".");
    }
    if (!f.pathsIgnore().isEmpty() && files.stream().allMatch(f.pathsIgnore()::matches)) {
      return Verdict.skip(
          "Every changed file matches `paths_ignore` ("
              + f.pathsIgnore()
              + ")"
              + changed(files)
              + ".");
    }
    return Verdict.RUN;
  }

  private static String changed(List<String> files) {
    if (files.isEmpty()) {
      return "; no file changed";
    }
    List<String> shown = files.stream().limit(10).map(f -> "`" + f + "`").toList();
    return "; changed: "
        + String.join(", ", shown)
        + (files.size() > 10 ? " and " + (files.size() - 10) + " more" : "");
  }

  private static String quoted(List<String> values) {
    return String.join(", ", values.stream().map(v -> "`" + v + "`").toList());
  }
}
