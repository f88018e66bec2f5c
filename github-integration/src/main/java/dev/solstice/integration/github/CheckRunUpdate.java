package dev.solstice.integration.github;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * Body of {@code PATCH /repos/{owner}/{repo}/check-runs/{id}}; null fields are left unchanged.
 * {@code conclusion} (e.g. {@code success}, {@code failure}, {@code cancelled}) is required by
 * GitHub when {@code status} is {@code completed}.
 */
public record CheckRunUpdate(
    String status,
    String conclusion,
    Instant startedAt,
    Instant completedAt,
    CheckRunOutput output) {

  public static CheckRunUpdate inProgress(Instant startedAt) {
    return new CheckRunUpdate("in_progress", null, startedAt, null, null);
  }

  public static CheckRunUpdate completed(
      String conclusion, Instant completedAt, CheckRunOutput output) {
    return new CheckRunUpdate("completed", conclusion, null, completedAt, output);
  }

  JsonObject toJson(CheckRunOutput out, boolean includeStatus) {
    JsonObject j = new JsonObject();
    if (includeStatus) {
      if (status != null) {
        j.put("status", status);
      }
      if (conclusion != null) {
        j.put("conclusion", conclusion);
      }
      if (completedAt != null) {
        j.put("completed_at", CheckRunCreate.iso(completedAt));
      }
    }
    if (startedAt != null) {
      j.put("started_at", CheckRunCreate.iso(startedAt));
    }
    if (out != null) {
      j.put("output", out.toJson());
    }
    return j;
  }
}
