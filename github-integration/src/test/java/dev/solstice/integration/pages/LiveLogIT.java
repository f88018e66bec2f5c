package dev.solstice.integration.pages;

import static dev.solstice.integration.pages.JobPageFixture.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.waitAtMost;

import dev.solstice.integration.core.JobState;
import dev.solstice.jobrequest.logs.LogParts;
import dev.solstice.platform.config.S3Settings;
import dev.solstice.simulator.s3.S3TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Issue 16: a running job's log followed live, over the real run state (Redis) and an S3 stand-in:
 * parts as the orchestrator uploads them, then the final object and the end of the job.
 */
class LiveLogIT {

  private static final Duration PATIENCE = Duration.ofSeconds(30);

  private static void put(JobPageFixture f, String key, String text) {
    f.s3
        .client()
        .putObject(b -> b.bucket(JobPageFixture.BUCKET).key(key), RequestBody.fromString(text));
  }

  private static String logKey(JobPageFixture f) {
    return "logs/" + f.test.requestId() + ".log";
  }

  private static int count(String text, String part) {
    return text.split(Pattern.quote(part), -1).length - 1;
  }

  @Test
  void streamsNewLinesAsPartsArriveThenTheRestAndTheEnd() throws Exception {
    try (JobPageFixture f = new JobPageFixture(true)) {
      put(f, LogParts.key(logKey(f), 1), "one\n\u001b[31mred");
      HttpClient client = f.vertx.createHttpClient();
      StringBuffer events = new StringBuffer();
      AtomicBoolean ended = new AtomicBoolean();
      HttpClientResponse response =
          await(
              client
                  .request(
                      HttpMethod.GET,
                      f.server.actualPort(),
                      "127.0.0.1",
                      "/jobs/" + f.test.requestId() + "/live?from=0")
                  .compose(
                      req ->
                          req.send()
                              .onSuccess(
                                  r -> {
                                    r.handler(b -> events.append(b.toString()));
                                    r.endHandler(v -> ended.set(true));
                                  })));
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.getHeader("Content-Type")).startsWith("text/event-stream");

      // Only whole lines: "red" waits for its line break.
      waitAtMost(PATIENCE).until(() -> events.toString().contains("id=\"L1\""));
      assertThat(events.toString()).contains("event: lines", "id: 4\n").doesNotContain("id=\"L2\"");

      put(f, LogParts.key(logKey(f), 2), " still red\n");
      waitAtMost(PATIENCE).until(() -> events.toString().contains("id=\"L2\""));
      assertThat(events.toString())
          .contains("<span class=\"ansi-fg-1\">red still red</span>")
          .contains("id: 23\n");

      put(f, logKey(f), "one\n\u001b[31mred still red\nthree\ndone");
      await(
          f.runs
              .runOf(f.test.requestId())
              .compose(run -> f.runs.setState(run.get(), "test", JobState.completed("success"))));
      waitAtMost(PATIENCE).untilTrue(ended);
      String all = events.toString();
      assertThat(all)
          .contains("id=\"L3\"><a class=\"ln\" href=\"#L3\">3</a><span class=\"ansi-fg-1\">three")
          .contains("id=\"L4\"")
          .contains("event: end\ndata: completed:success\n");
      assertThat(count(all, "id=\"L1\"")).isEqualTo(1);
      assertThat(count(all, "id=\"L2\"")).isEqualTo(1);
      assertThat(all.indexOf("id=\"L4\"")).isLessThan(all.indexOf("event: end"));
    }
  }

  @Test
  void aRunningJobsPageShowsThePartsSoFarAndAllowsOnlyItsOwnScript() throws Exception {
    try (JobPageFixture f = new JobPageFixture(true)) {
      put(f, LogParts.key(logKey(f), 1), "first\nsecond\nhalf a li");
      WebClient http = WebClient.create(f.vertx);
      HttpResponse<Buffer> page = await(http.getAbs(f.url("/jobs/" + f.test.requestId())).send());
      assertThat(page.statusCode()).isEqualTo(200);
      String csp = page.getHeader("Content-Security-Policy");
      Matcher nonce = Pattern.compile("script-src 'nonce-([A-Za-z0-9+/=]{24})'").matcher(csp);
      assertThat(nonce.find()).as(csp).isTrue();
      assertThat(csp)
          .startsWith("default-src 'none'; style-src 'unsafe-inline'; ")
          .contains("connect-src 'self'")
          .doesNotContain("unsafe-eval")
          .doesNotContain("script-src 'self'");
      String html = page.bodyAsString();
      assertThat(html)
          .contains("<script nonce=\"" + nonce.group(1) + "\">")
          .contains("data-live=\"/jobs/" + f.test.requestId() + "/live\" data-offset=\"13\"")
          .contains("id=\"L2\"><a class=\"ln\" href=\"#L2\">2</a>second")
          .doesNotContain("half a li")
          .contains("Refresh the page to see more");
      assertThat(count(html, "<script")).isEqualTo(1);

      // A second page gets another nonce; a finished job's page no script at all.
      String again =
          await(http.getAbs(f.url("/jobs/" + f.test.requestId())).send())
              .getHeader("Content-Security-Policy");
      assertThat(again).doesNotContain(nonce.group(1));
      HttpResponse<Buffer> done = await(http.getAbs(f.url("/jobs/" + f.build.requestId())).send());
      assertThat(done.getHeader("Content-Security-Policy"))
          .isEqualTo("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'");
      assertThat(done.bodyAsString()).doesNotContain("<script");
    }
  }

  /** The job pages of the fixture's run state and bucket, with other live-log settings. */
  private static HttpServer pages(JobPageFixture f, LiveLogSettings live) throws Exception {
    S3Settings bucket =
        new S3Settings(
            f.s3.endpoint(),
            JobPageFixture.BUCKET,
            S3TestServer.REGION,
            S3TestServer.ACCESS_KEY,
            S3TestServer.SECRET_KEY);
    JobPages pages =
        new JobPages(f.vertx, new JobPageSettings(true, null, bucket, false, live), f.runs);
    Router router = Router.router(f.vertx);
    pages.mount(router);
    return await(f.vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
  }

  private static HttpClientResponse open(
      JobPageFixture f, HttpServer server, StringBuffer events, AtomicBoolean ended)
      throws Exception {
    return await(
        f.vertx
            .createHttpClient()
            .request(
                HttpMethod.GET,
                server.actualPort(),
                "127.0.0.1",
                "/jobs/" + f.test.requestId() + "/live")
            .compose(
                req ->
                    req.send()
                        .onSuccess(
                            r -> {
                              r.handler(b -> events.append(b.toString()));
                              r.endHandler(v -> ended.set(true));
                            })));
  }

  @Test
  void streamsAreCappedPerJobAndEndWhenNothingNewComes() throws Exception {
    try (JobPageFixture f = new JobPageFixture(true)) {
      HttpServer server =
          pages(f, new LiveLogSettings(Duration.ofMillis(200), 1, 10, Duration.ofSeconds(2)));
      StringBuffer first = new StringBuffer();
      AtomicBoolean firstEnded = new AtomicBoolean();
      assertThat(open(f, server, first, firstEnded).statusCode()).isEqualTo(200);

      HttpClientResponse second = open(f, server, new StringBuffer(), new AtomicBoolean());
      assertThat(second.statusCode()).isEqualTo(503);
      assertThat(second.getHeader("Retry-After")).isEqualTo("30");

      // No part comes: after the idle timeout the stream says so and ends, freeing its place.
      waitAtMost(PATIENCE).untilTrue(firstEnded);
      assertThat(first.toString()).contains("event: idle\n");
      HttpClientResponse third = open(f, server, new StringBuffer(), new AtomicBoolean());
      assertThat(third.statusCode()).isEqualTo(200);
      await(server.close());
    }
  }

  @Test
  void theStreamIsGatedAsThePageIs() throws Exception {
    try (JobPageFixture f = new JobPageFixture(false)) {
      WebClient http = WebClient.create(f.vertx);
      for (String path :
          new String[] {
            "/jobs/" + f.test.requestId() + "/live", "/jobs/" + UUID.randomUUID() + "/live"
          }) {
        HttpResponse<Buffer> live = await(http.getAbs(f.url(path)).send());
        assertThat(live.statusCode()).isEqualTo(404);
        assertThat(live.getHeader("Content-Type")).startsWith("text/plain");
      }
    }
    try (JobPageFixture f = new JobPageFixture(true)) {
      HttpResponse<Buffer> unknown =
          await(
              WebClient.create(f.vertx)
                  .getAbs(f.url("/jobs/" + UUID.randomUUID() + "/live"))
                  .send());
      assertThat(unknown.statusCode()).isEqualTo(404);
    }
  }
}
