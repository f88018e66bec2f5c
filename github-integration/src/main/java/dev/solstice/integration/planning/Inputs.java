package dev.solstice.integration.planning;

import dev.solstice.integration.core.InstallationStatus;
import java.util.List;

/**
 * What the planner was given from GitHub so far. Each part is null until read; the planner asks for
 * the next part it needs with a {@link Step.Read}.
 *
 * @param workflow the workflow file as read at a ref
 * @param changedFiles the files the trigger changes, as listed by GitHub
 * @param installation the trigger's installation as the record knows it (read before planning;
 *     {@link InstallationStatus#UNKNOWN} without a record)
 */
public record Inputs(
    WorkflowFile workflow, ChangedFiles changedFiles, InstallationStatus installation) {

  /** Nothing read yet. */
  public static final Inputs NONE = new Inputs(null, null, InstallationStatus.UNKNOWN);

  public Inputs {
    installation = installation == null ? InstallationStatus.UNKNOWN : installation;
  }

  public Inputs withWorkflow(WorkflowFile file) {
    return new Inputs(file, changedFiles, installation);
  }

  public Inputs withChangedFiles(ChangedFiles files) {
    return new Inputs(workflow, files, installation);
  }

  /** These inputs for an installation the record knows as {@code status}. */
  public static Inputs forInstallation(InstallationStatus status) {
    return new Inputs(null, null, status);
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
