package dev.solstice.integration.policy;

/**
 * What the front door does with a trigger.
 *
 * <ul>
 *   <li>{@link Kind#RUN}: queue the workflow's jobs.
 *   <li>{@link Kind#SKIP}: run nothing, and complete the workflow's check runs as {@code skipped}
 *       with the reason, so required checks do not stay pending.
 *   <li>{@link Kind#HOLD}: run nothing until a maintainer acts; the check runs are {@code neutral}
 *       with the reason.
 *   <li>{@link Kind#IGNORE}: nothing at all, not even a check run (the commit was or will be
 *       handled by another event).
 *   <li>{@link Kind#DENY}: the repository is not served; no jobs and no GitHub call.
 * </ul>
 */
public record Verdict(Kind kind, String reason) {

  public enum Kind {
    RUN,
    SKIP,
    HOLD,
    IGNORE,
    DENY
  }

  public static final Verdict RUN = new Verdict(Kind.RUN, null);

  public static Verdict skip(String reason) {
    return new Verdict(Kind.SKIP, reason);
  }

  public static Verdict hold(String reason) {
    return new Verdict(Kind.HOLD, reason);
  }

  public static Verdict ignore(String reason) {
    return new Verdict(Kind.IGNORE, reason);
  }

  public static Verdict deny(String reason) {
    return new Verdict(Kind.DENY, reason);
  }

  public boolean runs() {
    return kind == Kind.RUN;
  }
}
