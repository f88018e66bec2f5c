package dev.solstice.integration.github;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** One webhook delivery from {@code GET /app/hook/deliveries}. */
public record HookDelivery(
    long id,
    String guid,
    Instant deliveredAt,
    boolean redelivery,
    String status,
    int statusCode,
    String event,
    String action,
    Long installationId,
    Long repositoryId) {

  static HookDelivery fromJson(JsonObject j) {
    String at = j.getString("delivered_at");
    return new HookDelivery(
        j.getLong("id"),
        j.getString("guid"),
        at == null ? null : Instant.parse(at),
        Boolean.TRUE.equals(j.getBoolean("redelivery")),
        j.getString("status"),
        j.getInteger("status_code", 0),
        j.getString("event"),
        j.getString("action"),
        j.getLong("installation_id"),
        j.getLong("repository_id"));
  }
}
