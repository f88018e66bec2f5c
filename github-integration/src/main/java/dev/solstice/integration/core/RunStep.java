package dev.solstice.integration.core;

import dev.solstice.jobrequest.JobRequest;
import java.util.List;

/**
 * What a finished job of a recorded run causes, computed without I/O by {@code planning.RunPlanner}
 * and carried out by the executor: the jobs whose needs have now all succeeded are published, the
 * jobs that (transitively) need a job that did not succeed are completed {@code skipped}.
 */
public record RunStep(List<JobRequest> enqueue, List<Skip> skip) {

  public static final RunStep NONE = new RunStep(List.of(), List.of());

  public RunStep {
    enqueue = List.copyOf(enqueue);
    skip = List.copyOf(skip);
  }

  /** A job not run, with the summary its check run shows. */
  public record Skip(JobRequest job, String summary) {}
}
