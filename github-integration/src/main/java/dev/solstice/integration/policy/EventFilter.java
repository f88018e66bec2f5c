package dev.solstice.integration.policy;

import java.util.List;
import java.util.Set;

/**
 * One event's entry in a workflow's {@code on} section.
 *
 * @param types pull request actions that run (empty = the defaults: opened, synchronize, reopened,
 *     ready_for_review); unused for push
 * @param branches push: branches pushed to; pull_request: the base branch
 * @param tags push: tags pushed
 * @param paths files of which at least one must change
 * @param pathsIgnore files that alone do not run anything
 * @param labels pull request: at least one of these labels is required (empty = none required)
 * @param labelsIgnore pull request: none of these labels may be present
 * @param drafts pull request: whether draft pull requests run
 */
public record EventFilter(
    Set<String> types,
    PatternList branches,
    PatternList branchesIgnore,
    PatternList tags,
    PatternList tagsIgnore,
    PatternList paths,
    PatternList pathsIgnore,
    List<String> labels,
    List<String> labelsIgnore,
    boolean drafts) {

  /** Pull request actions that run when {@code types} is not given. */
  public static final Set<String> DEFAULT_PR_TYPES =
      Set.of("opened", "synchronize", "reopened", "ready_for_review");

  public EventFilter {
    types = Set.copyOf(types);
    labels = List.copyOf(labels);
    labelsIgnore = List.copyOf(labelsIgnore);
  }

  /** Every push or pull request (the defaults of an event named without a block). */
  public static EventFilter any() {
    return new EventFilter(
        Set.of(),
        PatternList.empty(),
        PatternList.empty(),
        PatternList.empty(),
        PatternList.empty(),
        PatternList.empty(),
        PatternList.empty(),
        List.of(),
        List.of(),
        false);
  }

  public Set<String> effectiveTypes() {
    return types.isEmpty() ? DEFAULT_PR_TYPES : types;
  }

  public boolean filtersPaths() {
    return !paths.isEmpty() || !pathsIgnore.isEmpty();
  }
}
