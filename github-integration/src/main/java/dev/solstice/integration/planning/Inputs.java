package dev.solstice.integration.planning;

import dev.solstice.integration.core.PullRequestRef;
import java.util.List;

/**
 * What the planner was given from GitHub so far. Each part is null until read; the planner asks for
 * the next part it needs with a {@link Step.Read}.
 *
 * @param workflow the workflow file as read at a ref
 * @param changedFiles the files the trigger changes, as listed by GitHub
 * @param pullRequest the pull request a fork's Re-run re-runs, as GitHub lists it ({@link
 *     PullRequestRef#NONE} when it lists none); null until read
 */
public record Inputs(WorkflowFile workflow, ChangedFiles changedFiles, PullRequestRef pullRequest) {

  /** Nothing read yet. */
  public static final Inputs NONE = new Inputs(null, null, null);

  public Inputs(WorkflowFile workflow, ChangedFiles changedFiles) {
    this(workflow, changedFiles, null);
  }

  public Inputs withWorkflow(WorkflowFile file) {
    return new Inputs(file, changedFiles, pullRequest);
  }

  public Inputs withChangedFiles(ChangedFiles files) {
    return new Inputs(workflow, files, pullRequest);
  }

  public Inputs withPullRequest(PullRequestRef pr) {
    return new Inputs(workflow, changedFiles, pr);
  }

  /**
   * {@code .solstice/workflow.kdl} at {@code ref}.
   *
   * @param content the file as stored; null when the repository has no workflow file
   */
  public record WorkflowFile(String ref, byte[] content) {
    public static WorkflowFile absent(String ref) {
      return new WorkflowFile(ref, null);
    }
  }

  /**
   * @param paths the changed paths; null when they cannot be known (then path filters let the
   *     trigger run)
   */
  public record ChangedFiles(List<String> paths) {
    public ChangedFiles {
      paths = paths == null ? null : List.copyOf(paths);
    }
  }
}
