package dev.solstice.integration.pages;

import dev.solstice.integration.core.JobLinks;
import dev.solstice.integration.execution.RunStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /jobs/<request_id>} (a job's page: its facts, its workflow run's jobs and states, its
 * log with colours and linkable lines) and {@code GET /jobs/<request_id>/log} (the log as text).
 * Jobs come from the run state ({@link RunStore}), logs from the bucket the orchestrator uploads
 * to.
 *
 * <p>Who sees a job is {@link JobAccess}'s business (GitHub login, {@code PUBLIC_REPOS_ANONYMOUS},
 * {@code JOB_PAGES_PUBLIC}); a job the viewer may not see and one the run state does not know get
 * the same 404 page: nothing tells a private job apart from none. {@code POST
 * /jobs/<request_id>/rerun} re-runs the job (writers only, with the form's CSRF token).
 */
public record JobPages(
    JobPageSettings settings, RunStore runs, LogReader logs, JobAccess access, LiveLog live)
    implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(JobPages.class);

  /**
   * @param runs the run state; null when there is none (no GitHub App: every page is a 404)
   */
  public JobPages(Vertx vertx, JobPageSettings settings, RunStore runs) {
    this(vertx, settings, runs, (dev.solstice.integration.web.Access) null, null);
  }

  /**
   * @param access the GitHub login's access checks; null: only {@code JOB_PAGES_PUBLIC}
   * @param checkRuns a job's check run id by request id (for the Re-run); null without an App
   */
  public JobPages(
      Vertx vertx,
      JobPageSettings settings,
      RunStore runs,
      dev.solstice.integration.web.Access access,
      java.util.function.Function<UUID, Future<Optional<Long>>> checkRuns) {
    this(
        vertx,
        settings,
        runs,
        settings.logs() != null ? new LogReader(vertx, settings.logs()) : null,
        new JobAccess(settings.anonymous(), access, checkRuns));
  }

  public JobPages(Vertx vertx, JobPageSettings settings, RunStore runs, LogReader logs) {
    this(vertx, settings, runs, logs, new JobAccess(settings.anonymous(), null, null));
  }

  private JobPages(
      Vertx vertx, JobPageSettings settings, RunStore runs, LogReader logs, JobAccess access) {
    this(settings, runs, logs, access, new LiveLog(vertx, settings.live(), runs, logs));
  }

  public void mount(Router router) {
    router.get(JobLinks.JOB_PATH + ":id").handler(this::page);
    router.get(JobLinks.JOB_PATH + ":id/log").handler(this::download);
    router
        .get(JobLinks.JOB_PATH + ":id/live")
        .handler(c -> live.stream(c, find(c.pathParam("id")).compose(v -> access.admit(c, v))));
    router
        .post(JobLinks.JOB_PATH + ":id/rerun")
        .handler(
            ctx ->
                find(ctx.pathParam("id"))
                    .onSuccess(view -> access.rerun(ctx, view))
                    .onFailure(err -> failed(ctx, err)));
  }

  private void page(RoutingContext ctx) {
    find(ctx.pathParam("id"))
        .compose(view -> access.admit(ctx, view))
        .compose(
            view ->
                view.isEmpty()
                    ? Future.succeededFuture((LiveLog.Rendered) null)
                    : access.actions(ctx, view.get()).compose(a -> live.page(view.get(), a)))
        .onSuccess(
            page -> {
              if (page == null) {
                notFound(ctx);
              } else {
                respond(ctx, 200, "text/html; charset=utf-8", page.html(), page.csp());
              }
            })
        .onFailure(err -> failed(ctx, err));
  }

  private void download(RoutingContext ctx) {
    find(ctx.pathParam("id"))
        .compose(view -> access.admit(ctx, view))
        .compose(
            view -> view.isEmpty() ? Future.succeededFuture(Optional.empty()) : log(view.get()))
        .onSuccess(
            log -> {
              if (log.isEmpty()) {
                notFound(ctx);
              } else {
                ctx.response()
                    .putHeader(
                        "Content-Disposition",
                        "attachment; filename=\"" + ctx.pathParam("id") + ".log\"");
                respond(ctx, 200, "text/plain; charset=utf-8", (String) log.get());
              }
            })
        .onFailure(err -> failed(ctx, err));
  }

  /** The job and its run; empty when pages are not served, the id is no UUID or unknown. */
  private Future<Optional<JobView>> find(String id) {
    UUID requestId;
    try {
      requestId = UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      return Future.succeededFuture(Optional.empty());
    }
    if (!access.serves() || runs == null) {
      return Future.succeededFuture(Optional.empty());
    }
    return runs.runOf(requestId)
        .compose(
            run ->
                run.isEmpty()
                    ? Future.succeededFuture(Optional.empty())
                    : runs.jobs(run.get())
                        .compose(
                            jobs ->
                                runs.states(run.get())
                                    .map(
                                        states ->
                                            jobs.values().stream()
                                                .filter(j -> j.requestId().equals(requestId))
                                                .findFirst()
                                                .map(j -> new JobView(j, jobs, states)))));
  }

  private Future<Optional<String>> log(JobView view) {
    return logs == null ? Future.succeededFuture(Optional.empty()) : logs.read(view.logKey());
  }

  static void notFound(RoutingContext ctx) {
    respond(ctx, 404, "text/html; charset=utf-8", JobPageHtml.notFound());
  }

  private static void failed(RoutingContext ctx, Throwable err) {
    if (err == JobAccess.ANSWERED) {
      return;
    }
    LOG.warn("job page {} failed: {}", ctx.request().path(), err.toString());
    respond(ctx, 503, "text/plain; charset=utf-8", "The job could not be read; try again.\n");
  }

  private static void respond(RoutingContext ctx, int status, String type, String body) {
    respond(ctx, status, type, body, LiveLog.STATIC_CSP);
  }

  private static void respond(
      RoutingContext ctx, int status, String type, String body, String csp) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", type)
        .putHeader("Cache-Control", "no-store")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Content-Security-Policy", csp)
        .putHeader("X-Frame-Options", "DENY")
        .end(body);
  }

  @Override
  public void close() {
    if (logs != null) {
      logs.close();
    }
  }
}
