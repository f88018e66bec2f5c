package dev.solstice.integration.github;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * A check-run annotation. {@code level} is {@code notice}, {@code warning} or {@code failure}.
 * Columns are only sent when the annotation is on one line (GitHub rejects them otherwise).
 */
public record Annotation(
    String path,
    int startLine,
    int endLine,
    Integer startColumn,
    Integer endColumn,
    String level,
    String message,
    String title,
    String rawDetails) {

  public Annotation {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(message, "message");
  }

  public static Annotation of(String path, int line, String level, String message) {
    return new Annotation(path, line, line, null, null, level, message, null, null);
  }

  JsonObject toJson() {
    JsonObject j =
        new JsonObject()
            .put("path", path)
            .put("start_line", startLine)
            .put("end_line", endLine)
            .put("annotation_level", level)
            .put("message", message);
    if (startLine == endLine) {
      if (startColumn != null) {
        j.put("start_column", startColumn);
      }
      if (endColumn != null) {
        j.put("end_column", endColumn);
      }
    }
    if (title != null) {
      j.put("title", title);
    }
    if (rawDetails != null) {
      j.put("raw_details", rawDetails);
    }
    return j;
  }
}
