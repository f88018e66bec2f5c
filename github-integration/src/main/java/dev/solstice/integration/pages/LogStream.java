package dev.solstice.integration.pages;

import dev.solstice.integration.pages.LogTail.Line;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;

/**
 * One open event stream and how far into the log its page is. Guarded by its tail's lock: every
 * call comes from the tail.
 */
final class LogStream {
  private final HttpServerResponse response;
  private final Runnable onClose;
  private long position;
  private boolean closed;

  LogStream(HttpServerResponse response, long position, Runnable onClose) {
    this.response = response;
    this.position = position;
    this.onClose = onClose;
  }

  long position() {
    return position;
  }

  /** The lines past this stream's position, as one {@code lines} event. */
  void send(List<Line> lines) {
    StringBuilder data = new StringBuilder();
    long end = position;
    for (Line line : lines) {
      if (line.end() > position) {
        data.append(data.length() == 0 ? "" : "\n").append(line.html());
        end = line.end();
      }
    }
    if (end > position) {
      position = end;
      event("lines", data.toString(), end);
    }
  }

  /** An event; its {@code id} (the byte offset) is what a reconnecting EventSource sends back. */
  void event(String name, String data, Long id) {
    StringBuilder out = new StringBuilder("event: ").append(name).append('\n');
    if (id != null) {
      out.append("id: ").append(id).append('\n');
    }
    for (String line : data.replace("\r", "").split("\n", -1)) {
      out.append("data: ").append(line).append('\n');
    }
    write(out.append('\n').toString());
  }

  void ping() {
    write(": ping\n\n");
  }

  private void write(String text) {
    if (closed) {
      return;
    }
    if (response.writeQueueFull()) {
      // The client does not keep up: no buffering for it; its EventSource reconnects from its
      // last id.
      close();
      return;
    }
    response.write(text);
  }

  void close() {
    if (!closed) {
      closed = true;
      if (!response.ended() && !response.closed()) {
        response.end();
      }
      onClose.run();
    }
  }

  /** The client went away. */
  void gone() {
    if (!closed) {
      closed = true;
      onClose.run();
    }
  }
}
