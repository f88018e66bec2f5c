package dev.solstice.integration.github;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * A commit status ({@code POST /repos/{owner}/{repo}/statuses/{sha}}): how results are reported
 * while the service holds only a personal access token, which GitHub refuses for check-run writes.
 *
 * @param state {@code pending}, {@code success}, {@code failure} or {@code error}
 * @param targetUrl the job's page; null when there is none
 * @param description one line, cut to GitHub's 140 characters
 * @param context one per job, the check run's name
 * @since issue 17
 */
public record CommitStatus(String state, String targetUrl, String description, String context) {

  /** GitHub's limit on {@code description}. */
  public static final int MAX_DESCRIPTION = 140;

  public CommitStatus {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(context, "context");
    if (description != null && description.length() > MAX_DESCRIPTION) {
      description = description.substring(0, MAX_DESCRIPTION - 1) + "…";
    }
  }

  /**
   * The state a check run's conclusion shows as: a success, or a run that did not need to run
   * ({@code skipped}, {@code neutral}), passes; a cancelled or stale one is an {@code error}; the
   * rest fail.
   */
  public static String stateOf(String conclusion) {
    return switch (conclusion) {
      case "success", "neutral", "skipped" -> "success";
      case "cancelled", "stale" -> "error";
      default -> "failure";
    };
  }

  public JsonObject toJson() {
    JsonObject j = new JsonObject().put("state", state).put("context", context);
    if (targetUrl != null) {
      j.put("target_url", targetUrl);
    }
    if (description != null) {
      j.put("description", description);
    }
    return j;
  }
}
