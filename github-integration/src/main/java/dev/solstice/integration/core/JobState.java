package dev.solstice.integration.core;

/** Values of a job's state in a recorded run (see {@code execution.RunStore}). */
public final class JobState {
  /** Published to the jobs queue, not yet started. */
  public static final String QUEUED = "queued";

  /** The orchestrator reported it started. */
  public static final String STARTED = "started";

  /** Not run because a job it needs did not succeed. */
  public static final String SKIPPED = "skipped";

  /** Cancelled because a newer head superseded its run, or its pull request was closed. */
  public static final String CANCELLED = "cancelled";

  /** Completed: the state is the conclusion prefixed with this ({@code completed:success}). */
  public static final String COMPLETED_PREFIX = "completed:";

  private JobState() {}

  public static String completed(String conclusion) {
    return COMPLETED_PREFIX + conclusion;
  }

  public static boolean succeeded(String state) {
    return (COMPLETED_PREFIX + "success").equals(state);
  }

  /** Finished one way or another: completed, skipped or cancelled. */
  public static boolean terminal(String state) {
    return state != null
        && (state.startsWith(COMPLETED_PREFIX) || SKIPPED.equals(state) || CANCELLED.equals(state));
  }
}
