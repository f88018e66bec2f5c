package dev.solstice.integration.planning;

import dev.solstice.integration.core.InstallationStatus;
import dev.solstice.integration.core.PullRequestRef;
import java.util.List;

/**
 * What the planner was given from GitHub so far. Each part is null until read; the planner asks for
 * the next part it needs with a {@link Step.Read}.
 *
 * @param workflow the workflow file as read at a ref
 * @param changedFiles the files the trigger changes, as listed by GitHub
 * @param installation the trigger's installation as the record knows it (read before planning;
 *     {@link InstallationStatus#UNKNOWN} without a record)
 * @param pullRequest the pull request a fork's Re-run re-runs, as GitHub lists it ({@link
 *     PullRequestRef#NONE} when it lists none); null until read
 */
public record Inputs(
    WorkflowFile workflow,
    ChangedFiles changedFiles,
    InstallationStatus installation,
    PullRequestRef pullRequest) {

  /** Nothing read yet. */
  public static final Inputs NONE = new Inputs(null, null, InstallationStatus.UNKNOWN, null);

  public Inputs {
    installation = installation == null ? InstallationStatus.UNKNOWN : installation;
  }

  public Inputs(WorkflowFile workflow, ChangedFiles changedFiles) {
    this(workflow, changedFiles, InstallationStatus.UNKNOWN, null);
  }

  public Inputs withWorkflow(WorkflowFile file) {
    return new Inputs(file, changedFiles, installation, pullRequest);
  }

  public Inputs withChangedFiles(ChangedFiles files) {
    return new Inputs(workflow, files, installation, pullRequest);
  }

  public Inputs withPullRequest(PullRequestRef pr) {
    return new Inputs(workflow, changedFiles, installation, pr);
  }

  /** These inputs for an installation the record knows as {@code status}. */
  public static Inputs forInstallation(InstallationStatus status) {
    return new Inputs(null, null, status, null);
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
   * @param paths the changed paths as GitHub listed them; null when they cannot be known
   * @param complete false when GitHub's list stopped short (its caps), so more files changed
   */
  public record ChangedFiles(List<String> paths, boolean complete) {
    public ChangedFiles {
      paths = paths == null ? null : List.copyOf(paths);
    }

    /** A complete list, or unknown when null. */
    public ChangedFiles(List<String> paths) {
      this(paths, paths != null);
    }

    /** The paths when the list is complete; null otherwise (then path filters let it run). */
    public List<String> known() {
      return complete ? paths : null;
    }
  }
}
