package dev.solstice.integration.github;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code GET /app/installations/{id}} says of an installation.
 *
 * @param accountType {@code User}, {@code Organization} or {@code Enterprise}
 * @param repositorySelection {@code all} or {@code selected}
 * @param suspendedAt ISO-8601 instant, null unless suspended
 */
public record InstallationInfo(
    long id,
    String accountLogin,
    String accountType,
    String repositorySelection,
    Map<String, String> permissions,
    List<String> events,
    String suspendedAt,
    String htmlUrl) {

  static InstallationInfo fromJson(JsonObject j) {
    JsonObject account = j.getJsonObject("account", new JsonObject());
    Map<String, String> perms = new TreeMap<>();
    j.getJsonObject("permissions", new JsonObject())
        .forEach(e -> perms.put(e.getKey(), String.valueOf(e.getValue())));
    return new InstallationInfo(
        j.getLong("id"),
        account.getString("login", account.getString("slug", "?")),
        account.getString("type", j.getString("target_type", "?")),
        j.getString("repository_selection", "selected"),
        Map.copyOf(perms),
        j.getJsonArray("events", new JsonArray()).stream().map(String::valueOf).toList(),
        j.getString("suspended_at"),
        j.getString("html_url"));
  }
}
