package dev.solstice.integration.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.solstice.integration.core.InstallationChange;
import dev.solstice.integration.core.InvalidWebhookException;
import dev.solstice.integration.core.WebhookEvent;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads {@code installation} and {@code installation_repositories} deliveries (issue 15). */
final class InstallationEvents {

  static final Set<String> INSTALLATION_ACTIONS =
      Set.of("created", "deleted", "suspend", "unsuspend", "new_permissions_accepted");
  static final Set<String> REPOSITORIES_ACTIONS = Set.of("added", "removed");

  private InstallationEvents() {}

  static WebhookEvent parse(String event, JsonNode root) {
    String action = root.path("action").asText("");
    boolean installation = "installation".equals(event);
    if (!(installation ? INSTALLATION_ACTIONS : REPOSITORIES_ACTIONS).contains(action)) {
      return new WebhookEvent.Ignored(event + " action " + action + " changes nothing we record");
    }
    JsonNode inst = root.path("installation");
    if (!inst.isObject() || !inst.path("id").canConvertToLong() || inst.path("id").asLong() <= 0) {
      throw new InvalidWebhookException("missing field: installation.id");
    }
    Map<String, String> permissions = new LinkedHashMap<>();
    inst.path("permissions")
        .fields()
        .forEachRemaining(e -> permissions.put(e.getKey(), e.getValue().asText()));
    List<String> events = new ArrayList<>();
    inst.path("events").forEach(e -> events.add(e.asText()));
    return new InstallationChange(
        event,
        action,
        inst.path("id").asLong(),
        inst.path("account").path("login").asText(null),
        inst.path("account").path("type").asText(null),
        root.path("repository_selection").asText(inst.path("repository_selection").asText(null)),
        permissions,
        events,
        instant(inst.path("suspended_at")),
        repositories(root.path(installation ? "repositories" : "repositories_added")),
        installation ? List.of() : repositories(root.path("repositories_removed")));
  }

  private static List<InstallationChange.Repository> repositories(JsonNode list) {
    List<InstallationChange.Repository> out = new ArrayList<>();
    for (JsonNode r : list) {
      if (r.path("id").canConvertToLong() && r.path("full_name").isTextual()) {
        out.add(
            new InstallationChange.Repository(
                r.path("id").asLong(),
                r.path("full_name").asText(),
                r.path("private").asBoolean(false)));
      }
    }
    return out;
  }

  private static Instant instant(JsonNode node) {
    if (!node.isTextual()) {
      return null;
    }
    try {
      return Instant.parse(node.asText());
    } catch (DateTimeParseException e) {
      throw new InvalidWebhookException(
          "field installation.suspended_at is not a time: \"" + node.asText() + "\"");
    }
  }
}
