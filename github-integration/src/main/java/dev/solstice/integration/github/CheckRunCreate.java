package dev.solstice.integration.github;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * Body of {@code POST /repos/{owner}/{repo}/check-runs}. {@code status} is {@code queued}, {@code
 * in_progress} or {@code completed}; optional fields may be null. GitHub requires a {@code
 * conclusion} when the status is {@code completed}: use {@link #completed} to create a finished run
 * in one request.
 */
public record CheckRunCreate(
    String name,
    String headSha,
    String status,
    String externalId,
    String detailsUrl,
    Instant startedAt,
    CheckRunOutput output,
    String conclusion,
    Instant completedAt) {

  public CheckRunCreate {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(headSha, "headSha");
  }

  /** A run waiting to start. */
  public static CheckRunCreate queued(
      String name, String headSha, String externalId, String detailsUrl, CheckRunOutput output) {
    return new CheckRunCreate(
        name, headSha, "queued", externalId, detailsUrl, null, output, null, null);
  }

  /** A run already started when it is first created. */
  public static CheckRunCreate inProgress(
      String name, String headSha, String externalId, String detailsUrl, Instant startedAt) {
    return new CheckRunCreate(
        name, headSha, "in_progress", externalId, detailsUrl, startedAt, null, null, null);
  }

  /** A finished run, created with its conclusion in one request. */
  public static CheckRunCreate completed(
      String name,
      String headSha,
      String conclusion,
      String externalId,
      String detailsUrl,
      Instant startedAt,
      Instant completedAt,
      CheckRunOutput output) {
    return new CheckRunCreate(
        name,
        headSha,
        "completed",
        externalId,
        detailsUrl,
        startedAt,
        output,
        Objects.requireNonNull(conclusion, "conclusion"),
        completedAt);
  }

  JsonObject toJson(CheckRunOutput out) {
    JsonObject j = new JsonObject().put("name", name).put("head_sha", headSha);
    if (status != null) {
      j.put("status", status);
    }
    if (conclusion != null) {
      j.put("conclusion", conclusion);
    }
    if (externalId != null) {
      j.put("external_id", externalId);
    }
    if (detailsUrl != null) {
      j.put("details_url", detailsUrl);
    }
    if (startedAt != null) {
      j.put("started_at", iso(startedAt));
    }
    if (completedAt != null) {
      j.put("completed_at", iso(completedAt));
    }
    if (out != null) {
      j.put("output", out.toJson());
    }
    return j;
  }

  static String iso(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
