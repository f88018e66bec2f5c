package dev.solstice.integration.jobtoken;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * What one job token grants: the job, its one repository and installation, its permissions, and
 * until when. Holds no secret.
 *
 * @param repository owner/name; the only repository the token reaches
 * @param permissions GitHub permission name to {@code read} or {@code write}
 */
public record JobGrant(
    UUID requestId,
    String repository,
    long installationId,
    Map<String, String> permissions,
    Instant expiresAt) {

  public JobGrant {
    permissions = Map.copyOf(permissions);
  }

  /** Whether the grant still holds at {@code now}. */
  public boolean validAt(Instant now) {
    return now.isBefore(expiresAt);
  }

  /**
   * Whether the grant allows {@code level} ({@code read} or {@code write}) of {@code permission}.
   */
  public boolean allows(String permission, String level) {
    String granted = permissions.get(permission);
    return "write".equals(granted) || ("read".equals(level) && "read".equals(granted));
  }

  /** The same grant ending at {@code until} when that is sooner. */
  public JobGrant endingBy(Instant until) {
    return until.isBefore(expiresAt)
        ? new JobGrant(requestId, repository, installationId, permissions, until)
        : this;
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("request_id", requestId.toString())
        .put("repository", repository)
        .put("installation_id", installationId)
        .put("permissions", new JsonObject(new TreeMap<String, Object>(permissions)))
        .put("expires_at", expiresAt.toString());
  }

  static JobGrant fromJson(JsonObject j) {
    Map<String, String> perms = new TreeMap<>();
    j.getJsonObject("permissions").forEach(e -> perms.put(e.getKey(), (String) e.getValue()));
    return new JobGrant(
        UUID.fromString(j.getString("request_id")),
        j.getString("repository"),
        j.getLong("installation_id"),
        perms,
        Instant.parse(j.getString("expires_at")));
  }
}
