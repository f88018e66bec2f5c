package dev.solstice.integration.pages;

import static org.owasp.encoder.Encode.forHtml;
import static org.owasp.encoder.Encode.forHtmlAttribute;

import dev.solstice.integration.core.JobLinks;
import dev.solstice.jobrequest.JobRequest;
import java.util.List;
import java.util.Optional;

/**
 * The job page's HTML, server-rendered and readable without JavaScript. Every value from the run
 * state, the log or the request goes through the OWASP Java Encoder; the rest is constant text.
 */
final class JobPageHtml {

  private static final String[] COLOURS = {
    "#000", "#c00", "#080", "#a60", "#22c", "#a0a", "#088", "#bbb",
    "#666", "#f44", "#2c2", "#dd0", "#66f", "#f6f", "#0cc", "#fff"
  };

  private JobPageHtml() {}

  static String job(JobView view, Optional<String> log) {
    return job(view, log, "", null);
  }

  /**
   * The page of a running job whose log grows: {@code log} is what the bucket has so far (whole
   * lines), the script with {@code live.nonce()} follows new lines from {@code live.stream()}.
   *
   * @param actions HTML (already encoded) shown under the facts: the viewer and the Re-run form
   * @param live null for a page without live updates
   */
  static String job(JobView view, Optional<String> log, String actions, LivePage live) {
    JobRequest job = view.job();
    String id = job.requestId().toString();
    StringBuilder body = new StringBuilder();
    body.append("<dl class=\"facts\">\n");
    fact(body, "Repository", job.repository());
    fact(body, "Commit", job.commitSha());
    fact(body, "Ref", job.ref());
    fact(body, "Event", job.event());
    fact(body, "Workflow job", job.workflowJobId());
    fact(body, "Runner label", job.runsOn());
    status(body, view.state(job.workflowJobId()));
    fact(body, "Submitted", job.submittedAt() == null ? null : job.submittedAt().toString());
    fact(body, "Delivery", job.deliveryId());
    body.append("</dl>\n");
    body.append(actions);
    needs(body, view);
    body.append("<h2>Log</h2>\n");
    if (live != null) {
      LivePage.log(body, job, log, live);
    } else if (log.isEmpty()) {
      body.append(
          "<p class=\"no-log\">No log yet: the orchestrator uploads it when the job ends.</p>\n");
    } else {
      body.append("<p><a class=\"download\" href=\"")
          .append(forHtmlAttribute(JobLinks.JOB_PATH + id + "/log"))
          .append("\" download>Download the log</a></p>\n<pre class=\"log\">");
      List<String> lines = AnsiHtml.lines(log.get());
      for (int i = 0; i < lines.size(); i++) {
        line(body, i + 1, lines.get(i)).append('\n');
      }
      body.append("</pre>\n");
    }
    if (live != null) {
      LivePage.script(body, live);
    }
    return page(
        job.repository() + " · " + (job.workflowJobId() == null ? id : job.workflowJobId()),
        body.toString());
  }

  /** Line {@code n} of a log, {@code html} already encoded; linkable as {@code #L<n>}. */
  static StringBuilder line(StringBuilder out, int n, String html) {
    return out.append("<span class=\"line\" id=\"L")
        .append(n)
        .append("\"><a class=\"ln\" href=\"#L")
        .append(n)
        .append("\">")
        .append(n)
        .append("</a>")
        .append(html)
        .append("</span>");
  }

  /** The state, coloured by its conclusion; {@code id="status"} so the live script updates it. */
  private static void status(StringBuilder body, String state) {
    body.append("<dt>Status</dt><dd id=\"status\" class=\"status ")
        .append(forHtmlAttribute(statusClass(state)))
        .append("\"><code>")
        .append(forHtml(state))
        .append("</code></dd>\n");
  }

  /** {@code status-success} for {@code completed:success}, {@code status-started}, ... */
  static String statusClass(String state) {
    String s = state.startsWith("completed:") ? state.substring("completed:".length()) : state;
    return "status-" + s.replaceAll("[^a-z_]", "");
  }

  private static void fact(StringBuilder body, String name, String value) {
    body.append("<dt>")
        .append(forHtml(name))
        .append("</dt><dd>")
        .append(value == null ? "–" : "<code>" + forHtml(value) + "</code>")
        .append("</dd>\n");
  }

  /** The run's jobs, each with what it needs and its state; the shown one marked. */
  private static void needs(StringBuilder body, JobView view) {
    if (view.run().size() < 2) {
      return;
    }
    body.append(
        "<h2>Workflow run</h2>\n<table class=\"run\"><thead><tr><th scope=\"col\">Job</th>"
            + "<th scope=\"col\">Needs</th><th scope=\"col\">State</th></tr></thead><tbody>\n");
    view.run().values().stream()
        .sorted(java.util.Comparator.comparing(JobRequest::workflowJobId))
        .forEach(
            j -> {
              boolean current = j.requestId().equals(view.job().requestId());
              body.append(current ? "<tr class=\"current\" aria-current=\"page\">" : "<tr>")
                  .append("<td><a href=\"")
                  .append(forHtmlAttribute(JobLinks.JOB_PATH + j.requestId()))
                  .append("\">")
                  .append(forHtml(j.workflowJobId()))
                  .append("</a></td><td>")
                  .append(
                      j.needs() == null || j.needs().isEmpty()
                          ? "–"
                          : forHtml(String.join(", ", j.needs())))
                  .append("</td><td class=\"state\">")
                  .append(forHtml(view.state(j.workflowJobId())))
                  .append("</td></tr>\n");
            });
    body.append("</tbody></table>\n");
  }

  static String notFound() {
    return page("Job not found", "<p>There is no such job, or it is not shown here.</p>");
  }

  private static String page(String title, String body) {
    StringBuilder css = new StringBuilder();
    css.append(
        "body{font-family:system-ui,sans-serif;margin:1rem;max-width:80rem}"
            + "dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}"
            + "dd{margin:0}table.run{border-collapse:collapse}td,th{padding:.2rem .6rem;"
            + "border:1px solid #ccc;text-align:left}tr.current{font-weight:bold}"
            + "pre.log{background:#111;color:#ddd;padding:.5rem;overflow-x:auto}"
            + ".line:target{background:#335}"
            + ".ln{display:inline-block;min-width:3em;margin-right:1em;color:#888;"
            + "text-align:right;text-decoration:none}.ansi-bold{font-weight:bold}"
            + ".status-success code{color:#080;font-weight:bold}"
            + ".status-failure code,.status-timed_out code{color:#c00;font-weight:bold}"
            + ".live-hint{color:#444;font-style:italic}");
    for (int i = 0; i < COLOURS.length; i++) {
      css.append(".ansi-fg-").append(i).append("{color:").append(COLOURS[i]).append('}');
      css.append(".ansi-bg-").append(i).append("{background:").append(COLOURS[i]).append('}');
    }
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>"
        + forHtml(title)
        + " · Solstice CI</title><style>"
        + css
        + "</style></head>\n<body>\n<h1>"
        + forHtml(title)
        + "</h1>\n"
        + body
        + "\n</body></html>\n";
  }
}
