package dev.solstice.integration.github;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;

/** Body of {@code POST /repos/{owner}/{repo}/issues}. */
public record IssueCreate(String title, String body, List<String> labels) {
  public IssueCreate {
    Objects.requireNonNull(title, "title");
    labels = labels == null ? List.of() : List.copyOf(labels);
  }

  JsonObject toJson() {
    JsonObject j = new JsonObject().put("title", title);
    if (body != null) {
      j.put("body", body);
    }
    if (!labels.isEmpty()) {
      j.put("labels", new JsonArray(List.copyOf(labels)));
    }
    return j;
  }
}
