package dev.solstice.integration.pages;

import dev.solstice.integration.core.JobState;
import dev.solstice.integration.execution.RunStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log on a job's page, and its live tail while the job runs (issue 16): the page shows what the
 * bucket has (the final object, or the parts uploaded so far), and {@code GET /jobs/<id>/live}
 * streams the lines that follow as server-sent events until the job is over. Each job has one
 * {@link LogTail} however many watch it; streams are capped per job and in all.
 */
final class LiveLog {

  private static final Logger LOG = LoggerFactory.getLogger(LiveLog.class);

  /** The policy of a page without live updates: no script at all. */
  static final String STATIC_CSP =
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'";

  /** A rendered job page and the Content-Security-Policy it needs. */
  record Rendered(String html, String csp) {}

  private final Vertx vertx;
  private final LiveLogSettings settings;
  private final RunStore runs;
  private final LogReader logs;
  private final Map<UUID, LogTail> tails = new ConcurrentHashMap<>();
  private final AtomicInteger open = new AtomicInteger();

  /**
   * @param logs null when there is no bucket: pages show no log, streams answer 404
   */
  LiveLog(Vertx vertx, LiveLogSettings settings, RunStore runs, LogReader logs) {
    this.vertx = vertx;
    this.settings = settings;
    this.runs = runs;
    this.logs = logs;
  }

  /** The job's page: live (with the script) while the job runs and its final log is not there. */
  Future<Rendered> page(JobView view, String actions) {
    if (logs == null) {
      return Future.succeededFuture(
          new Rendered(JobPageHtml.job(view, Optional.empty(), actions, null), STATIC_CSP));
    }
    return logs.snapshot(view.logKey())
        .map(
            snapshot -> {
              boolean running = !JobState.terminal(view.state(view.job().workflowJobId()));
              if (!running || snapshot.complete()) {
                Optional<String> text =
                    snapshot.present()
                        ? Optional.of(new String(snapshot.bytes(), StandardCharsets.UTF_8))
                        : Optional.empty();
                return new Rendered(JobPageHtml.job(view, text, actions, null), STATIC_CSP);
              }
              int whole = snapshot.wholeLines();
              LivePage live = LivePage.at(whole);
              Optional<String> text =
                  whole == 0
                      ? Optional.empty()
                      : Optional.of(new String(snapshot.bytes(), 0, whole, StandardCharsets.UTF_8));
              return new Rendered(JobPageHtml.job(view, text, actions, live), live.csp());
            });
  }

  /**
   * {@code GET /jobs/<id>/live}: {@code found} is the job as the page's own lookup (and access
   * check) answers it, so the stream is shown to exactly those who may see the page.
   */
  void stream(RoutingContext ctx, Future<Optional<JobView>> found) {
    long from = position(ctx);
    found.onComplete(
        ar -> {
          if (ar.failed() && ar.cause() == JobAccess.ANSWERED) {
            return; // the access check answered (sent to login)
          }
          if (ar.failed()) {
            LOG.warn("live log {} failed: {}", ctx.request().path(), ar.cause().toString());
            plain(ctx, 503, "The job could not be read; try again.\n");
          } else if (ar.result().isEmpty() || logs == null) {
            plain(ctx, 404, "There is no such job, or it is not shown here.\n");
          } else {
            open(ctx, ar.result().get(), from);
          }
        });
  }

  private void open(RoutingContext ctx, JobView view, long from) {
    UUID id = view.job().requestId();
    if (open.get() >= settings.streamsTotal()) {
      busy(ctx);
      return;
    }
    LogTail tail;
    synchronized (tails) {
      tail = tails.computeIfAbsent(id, k -> tail(view));
      if (tail.size() >= settings.streamsPerJob()) {
        busy(ctx);
        return;
      }
    }
    HttpServerResponse response =
        ctx.response()
            .setStatusCode(200)
            .setChunked(true)
            .putHeader("Content-Type", "text/event-stream; charset=utf-8")
            .putHeader("Cache-Control", "no-store")
            .putHeader("X-Content-Type-Options", "nosniff")
            // nginx and the like would hold the events back in their buffers otherwise.
            .putHeader("X-Accel-Buffering", "no");
    response.write("retry: 5000\n\n");
    open.incrementAndGet();
    LogStream[] self = new LogStream[1];
    self[0] =
        new LogStream(
            response,
            from,
            () -> {
              open.decrementAndGet();
              tail.remove(self[0]);
            });
    response.closeHandler(v -> tail.gone(self[0]));
    if (!tail.add(self[0])) {
      // The tail ended between the lookup and now (the job finished): the page has it all.
      self[0].event("reload", "", null);
      self[0].close();
    }
  }

  private LogTail tail(JobView view) {
    UUID id = view.job().requestId();
    String jobId = view.job().workflowJobId();
    LogTail[] self = new LogTail[1];
    self[0] =
        new LogTail(
            vertx,
            settings,
            logs,
            view.logKey(),
            () ->
                runs.runOf(id)
                    .compose(
                        run ->
                            run.isEmpty()
                                ? Future.succeededFuture((String) null)
                                : runs.states(run.get()).map(states -> states.get(jobId))),
            () -> tails.remove(id, self[0]));
    return self[0];
  }

  /** Where the client's page is in the log: its EventSource's last id, else {@code ?from=}. */
  private static long position(RoutingContext ctx) {
    String value = ctx.request().getHeader("Last-Event-ID");
    if (value == null) {
      value = ctx.request().getParam("from");
    }
    try {
      return value == null ? 0 : Math.max(0, Long.parseLong(value.trim()));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static void busy(RoutingContext ctx) {
    ctx.response().putHeader("Retry-After", "30");
    plain(ctx, 503, "Too many open live logs; refresh the page later.\n");
  }

  private static void plain(RoutingContext ctx, int status, String text) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "text/plain; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .putHeader("X-Content-Type-Options", "nosniff")
        .end(text);
  }

  /** Open streams of all jobs. */
  int openStreams() {
    return open.get();
  }
}
