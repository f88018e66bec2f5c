package dev.solstice.orchestrator;

import dev.solstice.jobrequest.JobRequest;
import dev.solstice.jobrequest.logs.LogParts;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uploads a running job's log in parts (docs/messages.md, "Live logs"): every {@code maxLines}
 * complete lines or every {@code interval}, whichever comes first, what is new goes up as the next
 * part. One upload at a time, numbered from 1 without gaps; a part that failed is uploaded again
 * with the same number and the same text (parts never change), before anything newer.
 *
 * <p>Only whole lines go into parts (a line is masked whole, so a token split across two writes is
 * still masked); a line longer than {@value #MAX_LINE_CHARS} characters goes as it is. What is
 * still pending when the job ends is not uploaded as a part: the final object carries it.
 */
final class PartUploader implements LogSink {

  private static final Logger LOG = LoggerFactory.getLogger(PartUploader.class);
  static final int MAX_LINE_CHARS = 64 * 1024;

  private final Vertx vertx;
  private final LogStore store;
  private final JobRequest request;
  private final int maxLines;
  private final UnaryOperator<String> mask;
  private final long timer;

  // Guarded by this: the runner appends from its own threads, uploads complete on the event loop.
  private final StringBuilder partial = new StringBuilder();
  private StringBuilder pending = new StringBuilder();
  private int pendingLines;
  private String retry;
  private int next = 1;
  private boolean uploading;
  private boolean closed;
  private Promise<Void> drained;

  /**
   * @param interval how often what is new is uploaded; zero turns part uploads off
   * @param mask applied to whole lines before they leave (the job token)
   */
  PartUploader(
      Vertx vertx,
      LogStore store,
      JobRequest request,
      int maxLines,
      Duration interval,
      UnaryOperator<String> mask) {
    this.vertx = vertx;
    this.store = store;
    this.request = request;
    this.maxLines = Math.max(1, maxLines);
    this.mask = mask;
    this.closed = interval.isZero();
    this.timer = closed ? -1 : vertx.setPeriodic(interval.toMillis(), id -> flush());
  }

  @Override
  public void append(String text) {
    boolean full;
    synchronized (this) {
      if (closed) {
        return;
      }
      partial.append(text);
      int end = partial.lastIndexOf("\n") + 1;
      if (end == 0 && partial.length() > MAX_LINE_CHARS) {
        end = partial.length();
      }
      if (end > 0) {
        String lines = partial.substring(0, end);
        partial.delete(0, end);
        pending.append(mask.apply(lines));
        pendingLines += (int) lines.chars().filter(c -> c == '\n').count();
      }
      full = pendingLines >= maxLines;
    }
    if (full) {
      flush();
    }
  }

  /** Starts the next upload unless one runs or nothing is new. */
  void flush() {
    String text;
    int number;
    synchronized (this) {
      if (uploading || next > LogParts.MAX_PART || (retry == null && pending.isEmpty())) {
        return;
      }
      if (retry == null) {
        retry = pending.toString();
        pending = new StringBuilder();
        pendingLines = 0;
      }
      text = retry;
      number = next;
      uploading = true;
    }
    store
        .uploadPart(request, number, text)
        .onComplete(
            ar -> {
              Promise<Void> done;
              synchronized (this) {
                uploading = false;
                if (ar.succeeded()) {
                  retry = null;
                  next++;
                } else {
                  LOG.warn(
                      "job {}: part {} of the log not uploaded, trying again: {}",
                      request.requestId(),
                      number,
                      ar.cause().toString());
                }
                done = closed ? drained : null;
              }
              if (done != null) {
                done.tryComplete();
              }
            });
  }

  /** Stops uploading; completes when the upload in flight, if any, has ended. */
  Future<Void> close() {
    synchronized (this) {
      closed = true;
      vertx.cancelTimer(timer);
      if (!uploading) {
        return Future.succeededFuture();
      }
      drained = Promise.promise();
      return drained.future();
    }
  }

  /** Parts uploaded so far. */
  synchronized int uploaded() {
    return next - 1;
  }
}
