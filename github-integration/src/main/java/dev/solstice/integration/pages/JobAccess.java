package dev.solstice.integration.pages;

import static org.owasp.encoder.Encode.forHtml;
import static org.owasp.encoder.Encode.forHtmlAttribute;

import dev.solstice.integration.core.JobLinks;
import dev.solstice.integration.web.Access;
import dev.solstice.integration.web.GitHubLogin;
import dev.solstice.integration.web.LoginRequiredException;
import dev.solstice.integration.web.Viewer;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who sees a job page and who may re-run its job (issue 16):
 *
 * <ul>
 *   <li>{@code JOB_PAGES_PUBLIC=true}: everyone sees every job (no check, no re-run button).
 *   <li>Else a viewer who can read the job's repository on GitHub ({@link Access#canRead}) sees it;
 *       a signed-in viewer who cannot gets the 404 page (as for a job that does not exist); an
 *       anonymous one is sent to the login and comes back to the page after.
 *   <li>The Re-run button (a form with the CSRF field) is shown to viewers with write access; its
 *       POST asks GitHub to re-request the job's check run with the viewer's token, as GitHub's own
 *       Re-run button does, and GitHub sends the {@code check_run} {@code rerequested} webhook the
 *       service handles like any other.
 * </ul>
 */
final class JobAccess {

  /** The page already answered (a redirect to the login): nothing more to send. */
  static final RuntimeException ANSWERED = new RuntimeException("answered", null, false, false) {};

  private static final Logger LOG = LoggerFactory.getLogger(JobAccess.class);

  private final boolean everyone;
  private final Access access;
  private final Function<UUID, Future<Optional<Long>>> checkRuns;

  /**
   * @param everyone {@code JOB_PAGES_PUBLIC}
   * @param access the login's access checks; null: nobody but {@code everyone}
   * @param checkRuns a job's check run id by request id; null when there are no check runs
   */
  JobAccess(boolean everyone, Access access, Function<UUID, Future<Optional<Long>>> checkRuns) {
    this.everyone = everyone;
    this.access = access;
    this.checkRuns = checkRuns;
  }

  /** Whether pages are served to anyone at all. */
  boolean serves() {
    return everyone || access != null;
  }

  /**
   * The view if this viewer may see it; empty for the 404 page; fails with {@link #ANSWERED} when
   * the viewer was sent to the login.
   */
  Future<Optional<JobView>> admit(RoutingContext ctx, Optional<JobView> view) {
    if (view.isEmpty() || everyone) {
      return Future.succeededFuture(view);
    }
    if (access == null) {
      return Future.succeededFuture(Optional.empty());
    }
    Viewer viewer = access.viewer(ctx);
    return access
        .canRead(viewer, view.get().job().repository())
        .recover(
            err ->
                err instanceof LoginRequiredException
                    ? Future.succeededFuture(false)
                    : Future.failedFuture(err))
        .compose(
            ok -> {
              if (ok) {
                return Future.succeededFuture(view);
              }
              if (access.viewer(ctx).anonymous() && access.loginEnabled()) {
                access.sendToLogin(ctx);
                return Future.failedFuture(ANSWERED);
              }
              return Future.succeededFuture(Optional.empty());
            });
  }

  /** The page's viewer line and, for writers, the Re-run form (HTML); empty without a login. */
  Future<String> actions(RoutingContext ctx, JobView view) {
    if (access == null || everyone) {
      return Future.succeededFuture("");
    }
    Viewer viewer = access.viewer(ctx);
    StringBuilder html = new StringBuilder("<div class=\"viewer\">");
    if (viewer.anonymous()) {
      html.append("<a href=\"").append(GitHubLogin.LOGIN_PATH).append("\">Sign in</a>");
    } else {
      html.append("Signed in as ")
          .append(forHtml(viewer.login()))
          .append(" <form class=\"inline\" method=\"post\" action=\"")
          .append(GitHubLogin.LOGOUT_PATH)
          .append("\">")
          .append(Access.csrfField(ctx))
          .append("<button type=\"submit\">Sign out</button></form>");
    }
    html.append("</div>\n");
    if ("requested".equals(ctx.request().getParam("rerun"))) {
      html.append(
          "<p class=\"notice\" role=\"status\">Re-run requested: GitHub re-sends the job, which"
              + " appears as a new check run.</p>\n");
    }
    if (viewer.anonymous() || checkRuns == null) {
      return Future.succeededFuture(html.toString());
    }
    return access
        .canWrite(viewer, view.job().repository())
        .otherwise(false)
        .map(
            write ->
                write
                    ? html.append("<form class=\"rerun\" method=\"post\" action=\"")
                        .append(forHtmlAttribute(rerunPath(view.job().requestId())))
                        .append("\">")
                        .append(Access.csrfField(ctx))
                        .append("<button type=\"submit\" id=\"rerun\">Re-run this job</button>")
                        .append("</form>\n")
                        .toString()
                    : html.toString());
  }

  static String rerunPath(UUID requestId) {
    return JobLinks.JOB_PATH + requestId + "/rerun";
  }

  /**
   * POST /jobs/{id}/rerun (the CSRF handler has checked the token): 303 back to the page, 404 when
   * the viewer cannot write (or the job is unknown), the login when anonymous.
   */
  void rerun(RoutingContext ctx, Optional<JobView> found) {
    if (access == null || everyone || found.isEmpty() || checkRuns == null) {
      JobPages.notFound(ctx);
      return;
    }
    Viewer viewer = access.viewer(ctx);
    if (viewer.anonymous()) {
      access.sendToLogin(ctx);
      return;
    }
    JobView view = found.get();
    String repo = view.job().repository();
    access
        .canWrite(viewer, repo)
        .compose(
            write -> {
              if (!write) {
                return Future.succeededFuture(false);
              }
              Future<Optional<Long>> id =
                  view.job().checkRunId() != null
                      ? Future.succeededFuture(Optional.of(view.job().checkRunId()))
                      : checkRuns.apply(view.job().requestId());
              return id.compose(
                  run ->
                      run.isEmpty()
                          ? Future.failedFuture(new IllegalStateException("no check run yet"))
                          : access.rerequestCheckRun(viewer, repo, run.get()).map(true));
            })
        .onSuccess(
            done -> {
              if (!done) {
                JobPages.notFound(ctx);
                return;
              }
              LOG.info("{} re-ran job {} of {}", viewer.login(), view.job().requestId(), repo);
              ctx.response()
                  .setStatusCode(303)
                  .putHeader(
                      "Location", JobLinks.JOB_PATH + view.job().requestId() + "?rerun=requested")
                  .end();
            })
        .onFailure(err -> access.failed(ctx, err));
  }
}
