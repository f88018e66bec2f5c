package dev.solstice.integration.github;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One installation of the App as {@code GET /app/installations} lists it and {@code GET
 * /app/installations/{id}} shows it.
 *
 * @param accountType {@code User}, {@code Organization} or {@code Enterprise}
 * @param repositorySelection {@code all} or {@code selected}
 * @param permissions sorted by name
 * @param suspendedAt null when not suspended
 */
public record AppInstallation(
    long id,
    String accountLogin,
    String accountType,
    String repositorySelection,
    Map<String, String> permissions,
    List<String> events,
    Instant suspendedAt) {

  public AppInstallation {
    permissions = Collections.unmodifiableMap(new TreeMap<>(permissions));
    events = List.copyOf(events);
  }

  /** A repository an installation grants. */
  public record Repository(long id, String fullName, boolean isPrivate) {}

  static AppInstallation fromJson(JsonObject j) {
    JsonObject account = j.getJsonObject("account", new JsonObject());
    Map<String, String> permissions = new LinkedHashMap<>();
    j.getJsonObject("permissions", new JsonObject())
        .forEach(e -> permissions.put(e.getKey(), String.valueOf(e.getValue())));
    List<String> events = new ArrayList<>();
    j.getJsonArray("events", new JsonArray()).forEach(e -> events.add(String.valueOf(e)));
    String suspended = j.getString("suspended_at");
    return new AppInstallation(
        j.getLong("id"),
        account.getString("login", account.getString("slug", "?")),
        account.getString("type", j.getString("target_type", "?")),
        j.getString("repository_selection", "selected"),
        permissions,
        events,
        suspended == null ? null : Instant.parse(suspended));
  }
}
