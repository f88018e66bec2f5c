package dev.solstice.integration.github;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;

/**
 * The {@code output} of a check run. Any number of annotations may be given: the client sends them
 * 50 per request (GitHub's limit), GitHub appends them.
 */
public record CheckRunOutput(
    String title, String summary, String text, List<Annotation> annotations) {
  /** GitHub's limit for {@code summary} and {@code text}. */
  public static final int MAX_TEXT = 65535;

  public CheckRunOutput {
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(summary, "summary");
    annotations = annotations == null ? List.of() : List.copyOf(annotations);
  }

  public static CheckRunOutput of(String title, String summary) {
    return new CheckRunOutput(title, summary, null, List.of());
  }

  CheckRunOutput withAnnotations(List<Annotation> chunk) {
    return new CheckRunOutput(title, summary, text, chunk);
  }

  JsonObject toJson() {
    JsonObject j = new JsonObject().put("title", title).put("summary", truncate(summary));
    if (text != null) {
      j.put("text", truncate(text));
    }
    if (!annotations.isEmpty()) {
      JsonArray a = new JsonArray();
      annotations.forEach(x -> a.add(x.toJson()));
      j.put("annotations", a);
    }
    return j;
  }

  /** Over-long Markdown is cut rather than refused: a 422 would lose the whole report. */
  private static String truncate(String s) {
    if (s.length() <= MAX_TEXT) {
      return s;
    }
    String marker = "\n\n… (truncated)";
    return s.substring(0, MAX_TEXT - marker.length()) + marker;
  }
}
