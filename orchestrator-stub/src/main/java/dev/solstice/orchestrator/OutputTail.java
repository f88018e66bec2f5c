package dev.solstice.orchestrator;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Follows a running script's output file and hands each new complete line to a {@link LogSink}, as
 * {@code tail -f} would. Reads run on a worker thread, one at a time, every {@value #PERIOD_MS} ms.
 * Only whole lines are read, so a character is never split between two reads.
 */
final class OutputTail {

  static final long PERIOD_MS = 200;
  private static final int MAX_READ = 1 << 20;

  private final Vertx vertx;
  private final Path file;
  private final LogSink sink;
  private long offset;
  private long timer = -1;
  private boolean reading;
  private boolean stopped;
  private Promise<Void> idle;

  private OutputTail(Vertx vertx, Path file, LogSink sink) {
    this.vertx = vertx;
    this.file = file;
    this.sink = sink;
  }

  /** Follows {@code file} until {@link #stop()}; nothing at all for {@link LogSink#NONE}. */
  static OutputTail follow(Vertx vertx, Path file, LogSink sink) {
    OutputTail tail = new OutputTail(vertx, file, sink);
    if (sink != LogSink.NONE) {
      tail.timer = vertx.setPeriodic(PERIOD_MS, id -> tail.read());
    }
    return tail;
  }

  private synchronized void read() {
    if (reading || stopped) {
      return;
    }
    reading = true;
    vertx
        .executeBlocking(this::readLines, false)
        .onComplete(
            ar -> {
              if (ar.succeeded() && !ar.result().isEmpty()) {
                sink.append(ar.result());
              }
              Promise<Void> done;
              synchronized (this) {
                reading = false;
                done = idle;
              }
              if (done != null) {
                done.tryComplete();
              }
            });
  }

  /** The complete lines written since the last read; empty if none. */
  private String readLines() throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size <= offset) {
        return "";
      }
      ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(MAX_READ, size - offset));
      channel.read(buffer, offset);
      int end = buffer.position();
      while (end > 0 && buffer.get(end - 1) != '\n') {
        end--;
      }
      offset += end;
      return new String(buffer.array(), 0, end, StandardCharsets.UTF_8);
    }
  }

  /** Stops following; completes once a read in flight has handed its lines over. */
  synchronized Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    if (!reading) {
      return Future.succeededFuture();
    }
    idle = Promise.promise();
    return idle.future();
  }
}
