package dev.solstice.integration.github;

import io.vertx.core.json.JsonObject;

/** A check run as GitHub returns it (the fields this service uses). */
public record CheckRun(
    long id,
    String name,
    String headSha,
    String status,
    String conclusion,
    String externalId,
    String detailsUrl,
    String htmlUrl) {

  static CheckRun fromJson(JsonObject j) {
    return new CheckRun(
        j.getLong("id"),
        j.getString("name"),
        j.getString("head_sha"),
        j.getString("status"),
        j.getString("conclusion"),
        j.getString("external_id"),
        j.getString("details_url"),
        j.getString("html_url"));
  }
}
