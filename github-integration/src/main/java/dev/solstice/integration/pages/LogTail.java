package dev.solstice.integration.pages;

import dev.solstice.integration.core.JobState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running job's log, followed for everyone watching it: one poll of the bucket per interval
 * (new parts, then the run state), the new lines rendered once (colours carried on, numbers
 * continued) and sent to each open stream from the byte offset it has. When the run state says the
 * job is over, the final object's remaining lines and an {@code end} event go out and the streams
 * close.
 *
 * <p>Bounded: the last {@value #RING_LINES} lines (at most {@value #RING_CHARS} characters) are
 * kept for streams that join a little behind; one further behind gets {@code reload} (the page
 * shows everything). A stream whose client does not read (its write queue full) is closed, not
 * buffered for. After {@link LiveLogSettings#idleTimeout()} without a new line every stream gets
 * {@code idle} and closes.
 */
final class LogTail {

  private static final Logger LOG = LoggerFactory.getLogger(LogTail.class);
  static final int RING_LINES = 5_000;
  static final long RING_CHARS = 2L << 20;
  static final long HEARTBEAT_NANOS = 15_000_000_000L;

  /** A rendered line: its number and where its bytes lie in the log. */
  record Line(int number, long start, long end, String html) {}

  private final Vertx vertx;
  private final LiveLogSettings settings;
  private final LogReader logs;
  private final String key;
  private final Supplier<Future<String>> state;
  private final Runnable onEnd;

  // Guarded by this.
  private final List<LogStream> streams = new ArrayList<>();
  private final Deque<Line> ring = new ArrayDeque<>();
  private final AnsiHtml ansi = AnsiHtml.renderer();
  private long ringChars;
  private byte[] carry = new byte[0];
  private long offset;
  private int lines;
  private int nextPart = 1;
  private long timer = -1;
  private boolean polling;
  private String lastState;
  private boolean ended;
  private long lastLineNanos = System.nanoTime();
  private long lastPingNanos = System.nanoTime();

  /**
   * @param state the job's current state ({@code core.JobState}); null when unknown
   * @param onEnd called once when the tail stops (to forget it)
   */
  LogTail(
      Vertx vertx,
      LiveLogSettings settings,
      LogReader logs,
      String key,
      Supplier<Future<String>> state,
      Runnable onEnd) {
    this.vertx = vertx;
    this.settings = settings;
    this.logs = logs;
    this.key = key;
    this.state = state;
    this.onEnd = onEnd;
  }

  synchronized int size() {
    return streams.size();
  }

  /** Adds a stream and sends it what it lacks; false when the tail has ended meanwhile. */
  synchronized boolean add(LogStream stream) {
    if (ended) {
      return false;
    }
    streams.add(stream);
    if (!ring.isEmpty() && stream.position() < ring.peekFirst().start()) {
      stream.event("reload", "", null);
      stream.close();
    } else {
      stream.send(List.copyOf(ring));
      if (lastState != null) {
        stream.event("state", lastState, null);
      }
    }
    if (timer < 0 && !ended) {
      timer = vertx.setPeriodic(settings.pollInterval().toMillis(), id -> poll());
      poll();
    }
    return true;
  }

  synchronized void remove(LogStream stream) {
    streams.remove(stream);
    if (streams.isEmpty()) {
      stop();
    }
  }

  /** The stream's client went away (its connection closed). */
  synchronized void gone(LogStream stream) {
    stream.gone();
  }

  private void poll() {
    int from;
    synchronized (this) {
      if (polling || ended) {
        return;
      }
      polling = true;
      from = nextPart;
    }
    logs.parts(key, from)
        .compose(
            snapshot -> {
              synchronized (this) {
                nextPart = snapshot.nextPart();
                accept(snapshot.bytes(), false);
              }
              return state.get();
            })
        .compose(now -> JobState.terminal(now) ? finish(now) : changed(now))
        .onComplete(
            ar -> {
              if (ar.failed()) {
                LOG.warn("live log {}: poll failed, trying again: {}", key, ar.cause().toString());
              }
              synchronized (this) {
                polling = false;
                housekeeping();
              }
            });
  }

  /** Heartbeats (a proxy or client may drop a silent connection), and the idle timeout. */
  private void housekeeping() {
    long now = System.nanoTime();
    if (ended) {
      return;
    }
    if (now - lastLineNanos > settings.idleTimeout().toNanos()) {
      forEachStream(s -> s.event("idle", "", null));
      closeAll();
    } else if (now - lastPingNanos > HEARTBEAT_NANOS) {
      lastPingNanos = now;
      forEachStream(LogStream::ping);
    }
  }

  /** A new state while the job runs (queued, then started) goes out as a {@code state} event. */
  private synchronized Future<Void> changed(String now) {
    if (now != null && !now.equals(lastState)) {
      forEachStream(s -> s.event("state", now, null));
      lastState = now;
    }
    return Future.succeededFuture();
  }

  /** The job is over: the final object's remaining lines, then {@code end}, then close. */
  private Future<Void> finish(String finalState) {
    return logs.whole(key)
        .map(
            whole -> {
              synchronized (this) {
                if (ended) {
                  return null;
                }
                if (whole.isEmpty()) {
                  accept(new byte[0], true); // the upload failed: what the parts had is all
                } else if (whole.get().length >= offset) {
                  carry = new byte[0]; // the final object holds those bytes too, from offset on
                  accept(Arrays.copyOfRange(whole.get(), (int) offset, whole.get().length), true);
                } else {
                  forEachStream(s -> s.event("reload", "", null)); // not a continuation: reload
                }
                forEachStream(s -> s.event("end", finalState, null));
                closeAll();
                return null;
              }
            });
  }

  /**
   * Renders the whole lines of carry + bytes and sends them; {@code last}: a final line without a
   * line break counts too.
   */
  private void accept(byte[] bytes, boolean last) {
    byte[] all = new byte[carry.length + bytes.length];
    System.arraycopy(carry, 0, all, 0, carry.length);
    System.arraycopy(bytes, 0, all, carry.length, bytes.length);
    List<Line> fresh = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < all.length; i++) {
      if (all[i] == '\n') {
        fresh.add(render(all, start, i, i + 1));
        start = i + 1;
      }
    }
    if (last && start < all.length) {
      fresh.add(render(all, start, all.length, all.length));
      start = all.length;
    }
    carry = Arrays.copyOfRange(all, start, all.length);
    if (!fresh.isEmpty()) {
      lastLineNanos = System.nanoTime();
      forEachStream(s -> s.send(fresh));
    }
  }

  private Line render(byte[] all, int from, int to, int next) {
    String text = new String(all, from, to - from, StandardCharsets.UTF_8);
    if (text.endsWith("\r")) {
      text = text.substring(0, text.length() - 1);
    }
    Line line =
        new Line(
            ++lines,
            offset,
            offset + (next - from),
            JobPageHtml.line(new StringBuilder(), lines, ansi.line(text)).toString());
    offset += next - from;
    ring.addLast(line);
    ringChars += line.html().length();
    while (ring.size() > RING_LINES || ringChars > RING_CHARS) {
      ringChars -= ring.removeFirst().html().length();
    }
    return line;
  }

  private void forEachStream(java.util.function.Consumer<LogStream> action) {
    List.copyOf(streams).forEach(action);
  }

  private void closeAll() {
    List<LogStream> all = List.copyOf(streams);
    stop();
    all.forEach(LogStream::close);
  }

  private void stop() {
    if (!ended) {
      ended = true;
      vertx.cancelTimer(timer);
      onEnd.run();
    }
  }
}
