package dev.solstice.integration.core;

import java.util.Optional;

/**
 * How our check runs are named: {@code Solstice CI / build} for a job, the bare check name for the
 * default job. The planner reads a Re-run request's name back into a job id; the Checks writer
 * names the runs it creates.
 */
public record CheckNames(String checkName) {

  /** Name suffix of the run that reports an invalid workflow file. */
  public static final String WORKFLOW_RUN = "workflow";

  /** {@code Solstice CI / build}, or the bare check name for the default job (null). */
  public String runName(String jobId) {
    return jobId == null ? checkName : checkName + " / " + jobId;
  }

  /** The job id a run of ours is named for ("" for the default job), or empty if not ours. */
  public Optional<String> jobIdOf(String runName) {
    if (checkName.equals(runName)) {
      return Optional.of("");
    }
    String prefix = checkName + " / ";
    return runName != null && runName.startsWith(prefix)
        ? Optional.of(runName.substring(prefix.length()))
        : Optional.empty();
  }
}
