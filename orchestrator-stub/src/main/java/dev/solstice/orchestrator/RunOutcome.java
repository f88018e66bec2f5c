package dev.solstice.orchestrator;

import dev.solstice.jobrequest.Conclusion;
import java.util.Objects;

/**
 * How a job ended.
 *
 * @param summary one human-readable line for the check run
 * @param log the whole job log
 */
public record RunOutcome(Conclusion conclusion, String summary, String log) {

  /** What a JobResult may carry of the log: the check run shows at most 65,535 characters. */
  public static final int MAX_TAIL_CHARS = 60_000;

  public RunOutcome {
    Objects.requireNonNull(conclusion, "conclusion");
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(log, "log");
  }

  /**
   * A job stopped, or never started, because of a {@code jobcancel.v1}.
   *
   * @param reason the cancel's reason ({@code superseded}, {@code closed}, ...)
   * @param when {@code "before it started"}, {@code "while it ran"}
   * @param logSoFar what the job logged before it was stopped; empty if nothing
   */
  public static RunOutcome cancelled(String reason, String when, String logSoFar) {
    String text = "Cancelled " + when + " (" + reason + ").";
    return new RunOutcome(Conclusion.CANCELLED, text, logSoFar + "[solstice-stub] " + text + "\n");
  }

  /**
   * The last {@link #MAX_TAIL_CHARS} characters of the log, never starting inside a surrogate pair.
   */
  public String logTail() {
    return tail(log, MAX_TAIL_CHARS);
  }

  static String tail(String text, int maxChars) {
    if (text.length() <= maxChars) {
      return text;
    }
    int start = text.length() - maxChars;
    if (Character.isLowSurrogate(text.charAt(start))) {
      start++;
    }
    return text.substring(start);
  }
}
