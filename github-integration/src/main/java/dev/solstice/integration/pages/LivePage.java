package dev.solstice.integration.pages;

import static org.owasp.encoder.Encode.forHtmlAttribute;

import dev.solstice.integration.core.JobLinks;
import dev.solstice.jobrequest.JobRequest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * What a running job's page adds: the log so far with a hint to refresh (all a reader without
 * JavaScript needs), and a small inline script that appends the lines {@code GET /jobs/<id>/live}
 * sends as server-sent events. The script runs under a per-response nonce, the only script the
 * page's Content-Security-Policy allows; its EventSource needs {@code connect-src 'self'}.
 *
 * @param nonce the CSP nonce of this response (128 random bits)
 * @param offset bytes of the log the page shows; the stream continues from there
 */
record LivePage(String nonce, long offset) {

  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * The policy of a live page: the nonce's script, its EventSource, inline styles; nothing else.
   */
  static final String CSP_FORMAT =
      "default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-%s'; connect-src 'self';"
          + " form-action 'self'";

  static LivePage at(long offset) {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return new LivePage(Base64.getEncoder().encodeToString(bytes), offset);
  }

  String csp() {
    return String.format(CSP_FORMAT, nonce);
  }

  static String streamPath(JobRequest job) {
    return JobLinks.JOB_PATH + job.requestId() + "/live";
  }

  static void log(StringBuilder body, JobRequest job, Optional<String> log, LivePage live) {
    List<String> lines = log.map(AnsiHtml::lines).orElse(List.of());
    body.append("<p class=\"live-hint\" id=\"live-hint\" role=\"status\">")
        .append(
            lines.isEmpty()
                ? "No log yet: it appears here as the orchestrator uploads it while the job runs."
                : "This job is running: the log shows what the orchestrator has uploaded so far.")
        .append(" Refresh the page to see more.</p>\n<p><a class=\"download\" href=\"")
        .append(forHtmlAttribute(JobLinks.JOB_PATH + job.requestId() + "/log"))
        .append("\" download>Download the log so far</a></p>\n<pre class=\"log\" id=\"log\"")
        .append(" data-live=\"")
        .append(forHtmlAttribute(streamPath(job)))
        .append("\" data-offset=\"")
        .append(live.offset())
        .append("\">");
    for (int i = 0; i < lines.size(); i++) {
      JobPageHtml.line(body, i + 1, lines.get(i)).append('\n');
    }
    body.append("</pre>\n");
  }

  static void script(StringBuilder body, LivePage live) {
    body.append("<script nonce=\"")
        .append(forHtmlAttribute(live.nonce()))
        .append("\">\n")
        .append(SCRIPT)
        .append("</script>\n");
  }

  // Constant text: the lines come encoded by the server (AnsiHtml), the state is set as text.
  private static final String SCRIPT =
      """
      (function () {
        var log = document.getElementById('log');
        var hint = document.getElementById('live-hint');
        var status = document.getElementById('status');
        if (!log || !window.EventSource) { return; }
        var source = new EventSource(log.getAttribute('data-live') + '?from='
            + encodeURIComponent(log.getAttribute('data-offset')));
        function say(text) { hint.textContent = text; }
        say('This job is running: new lines of its log appear here as they are uploaded.');
        source.addEventListener('lines', function (e) {
          log.insertAdjacentHTML('beforeend', e.data + '\\n');
        });
        function show(state) {
          var code = document.createElement('code');
          code.textContent = state;
          status.replaceChildren(code);
          status.className = 'status status-'
              + state.replace(/^completed:/, '').replace(/[^a-z_]/g, '');
          var row = document.querySelector('tr.current td.state');
          if (row) { row.textContent = state; }
        }
        source.addEventListener('state', function (e) { show(e.data); });
        source.addEventListener('end', function (e) {
          source.close();
          var state = e.data;
          show(state);
          log.removeAttribute('data-live');
          var download = document.querySelector('a.download');
          if (download) { download.textContent = 'Download the log'; }
          say('The job finished (' + state + '); its whole log is above.');
        });
        source.addEventListener('idle', function () {
          source.close();
          say('No new lines for a while: refresh the page to see more.');
        });
        source.addEventListener('reload', function () {
          source.close();
          window.location.reload();
        });
        source.addEventListener('error', function () {
          if (source.readyState === EventSource.CLOSED) {
            say('Live updates stopped: refresh the page to see more.');
          }
        });
      })();
      """;
}
