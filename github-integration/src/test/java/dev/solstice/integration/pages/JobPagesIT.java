package dev.solstice.integration.pages;

import static dev.solstice.integration.pages.JobPageFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Issue 16: a job's page and log over the real run state (Redis) and a real S3 stand-in. */
class JobPagesIT {

  @Test
  void showsTheJobItsRunAndItsColouredLogWithLinkableLines() throws Exception {
    try (JobPageFixture f = new JobPageFixture(true)) {
      WebClient http = WebClient.create(f.vertx);
      HttpResponse<Buffer> page = await(http.getAbs(f.url("/jobs/" + f.build.requestId())).send());
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.getHeader("Content-Security-Policy")).contains("default-src 'none'");
      String html = page.bodyAsString();
      assertThat(html)
          .contains("octo/hello", f.build.commitSha(), "refs/heads/main", "linux-x64")
          .contains("completed:success")
          // the needs graph: test needs build and is started, each links to its page
          .contains("href=\"/jobs/" + f.test.requestId() + "\"")
          .contains("<td>build</td><td class=\"state\">started</td>")
          // ANSI colours as spans, the log's text escaped, numbered linkable lines
          .contains("<span class=\"ansi-fg-2\">build ok</span>")
          .contains(
              "<span class=\"ansi-fg-1 ansi-bold\">error: &lt;b&gt;not&lt;/b&gt; bold &amp; red</span>")
          .contains("id=\"L4\"><a class=\"ln\" href=\"#L4\">4</a>done")
          .doesNotContain("id=\"L5\"")
          .contains("href=\"/jobs/" + f.build.requestId() + "/log\"");

      HttpResponse<Buffer> log =
          await(http.getAbs(f.url("/jobs/" + f.build.requestId() + "/log")).send());
      assertThat(log.statusCode()).isEqualTo(200);
      assertThat(log.getHeader("Content-Disposition")).startsWith("attachment");
      assertThat(log.bodyAsString()).isEqualTo(JobPageFixture.LOG);

      // A job without a log yet still has its page.
      String started =
          await(http.getAbs(f.url("/jobs/" + f.test.requestId())).send()).bodyAsString();
      assertThat(started).contains("No log yet");

      for (String unknown : new String[] {"/jobs/" + UUID.randomUUID(), "/jobs/not-a-uuid"}) {
        HttpResponse<Buffer> missing = await(http.getAbs(f.url(unknown)).send());
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.bodyAsString()).contains("Job not found");
      }
    }
  }

  @Test
  void withoutJobPagesPublicEveryJobIsA404() throws Exception {
    try (JobPageFixture f = new JobPageFixture(false)) {
      WebClient http = WebClient.create(f.vertx);
      for (String path :
          new String[] {"/jobs/" + f.build.requestId(), "/jobs/" + f.build.requestId() + "/log"}) {
        HttpResponse<Buffer> page = await(http.getAbs(f.url(path)).send());
        assertThat(page.statusCode()).isEqualTo(404);
        assertThat(page.bodyAsString()).doesNotContain("octo/hello").doesNotContain("build ok");
      }
    }
  }
}
