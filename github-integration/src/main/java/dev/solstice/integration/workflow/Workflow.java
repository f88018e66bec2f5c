package dev.solstice.integration.workflow;

import java.util.List;
import java.util.Optional;

/** A parsed, validated {@code .solstice/workflow.kdl}: its jobs in file order. */
public record Workflow(String name, List<JobSpec> jobs) {

  /** Where the workflow lives in a repository. */
  public static final String PATH = ".solstice/workflow.kdl";

  public Workflow {
    jobs = List.copyOf(jobs);
  }

  public Optional<JobSpec> job(String id) {
    return jobs.stream().filter(j -> j.id().equals(id)).findFirst();
  }
}
