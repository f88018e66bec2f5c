package dev.solstice.integration.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.solstice.integration.core.RequestIds;
import dev.solstice.integration.github.CapturedLogs;
import dev.solstice.integration.testing.ServiceHarness;
import dev.solstice.integration.testing.VertxPerClass;
import dev.solstice.integration.webhook.SignatureVerifier;
import dev.solstice.simulator.github.RecordedWebhooks;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fault test 5: a corpus of bad inputs, each with the answer it must get, and the service healthy
 * (ready, and still turning a good push into its jobs) afterwards. Hostile workflow files are
 * accepted at the door (202) and end as one failed "workflow" check run, never as jobs or a crash.
 */
class BadInputCorpusIT extends VertxPerClass {

  private static final Logger LOG = LoggerFactory.getLogger(BadInputCorpusIT.class);
  private static final String SECRET = ServiceHarness.SECRET;

  @RegisterExtension static final CapturedLogs LOGS = new CapturedLogs();

  private record Case(
      String name,
      String event,
      byte[] body,
      String signature,
      String contentType,
      boolean deliveryId,
      int expected) {}

  private static Case signed(String name, String event, byte[] body, int expected) {
    return new Case(
        name,
        event,
        body,
        SignatureVerifier.sign(SECRET, body),
        "application/json",
        true,
        expected);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aSourceOverItsRateLimitGets429AndTheServiceStaysHealthy() throws Exception {
    try (ServiceHarness h =
        ServiceHarness.start(
            vertx, ServiceHarness.isolatedEnv(Map.of("WEBHOOK_RATE_LIMIT_PER_MINUTE", "5")))) {
      FaultSupport.track(h.broker(), h.config());
      byte[] push = RecordedWebhooks.payload("push.json");
      List<Integer> statuses = new ArrayList<>();
      String retryAfter = null;
      for (int i = 0; i < 8; i++) {
        var r = h.post("push", UUID.randomUUID().toString(), push);
        statuses.add(r.statusCode());
        if (r.statusCode() == 429) {
          retryAfter = r.getHeader("Retry-After");
        }
      }
      LOG.info(
          "fault test 5b (rate limit 5/min): answers {}, Retry-After {}", statuses, retryAfter);
      // A bucket of 5 refilled at one token every 12 s: the burst gets 5 (6 had it taken > 12 s).
      assertThat(statuses).contains(429).allMatch(s -> s == 202 || s == 429);
      assertThat(statuses.stream().filter(s -> s == 202).count()).isBetween(5L, 6L);
      assertThat(retryAfter).isNotNull();
      assertThat(Integer.parseInt(retryAfter)).isBetween(1, 12);
      assertThat(h.get("/health/ready").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void everyBadInputGetsItsAnswerAndTheServiceStaysHealthy() throws Exception {
    try (GitHubStack s =
        GitHubStack.start(vertx, Map.of("MAX_BODY_BYTES", Integer.toString(1024 * 1024)), LOGS)) {
      byte[] push = RecordedWebhooks.payload("push.json");
      byte[] tampered = push.clone();
      tampered[tampered.length / 2] = (byte) (tampered[tampered.length / 2] == 'a' ? 'b' : 'a');
      JsonObject noRepo = new JsonObject(io.vertx.core.buffer.Buffer.buffer(push));
      noRepo.remove("repository");
      JsonObject nullSha =
          new JsonObject(io.vertx.core.buffer.Buffer.buffer(push)).putNull("after");
      JsonObject badSha =
          new JsonObject(io.vertx.core.buffer.Buffer.buffer(push))
              .put("after", "not-a-sha; rm -rf /");
      byte[] oversized = new byte[1024 * 1024 + 1];
      java.util.Arrays.fill(oversized, (byte) ' ');
      oversized[0] = '{';
      oversized[oversized.length - 1] = '}';
      byte[] form =
          utf8(
              "payload="
                  + java.net.URLEncoder.encode(
                      new String(push, StandardCharsets.UTF_8), StandardCharsets.UTF_8));
      byte[] deepJson = utf8("[".repeat(100_000) + "]".repeat(100_000));

      List<Case> corpus =
          new ArrayList<>(
              List.of(
                  new Case(
                      "signature with the wrong secret",
                      "push",
                      push,
                      SignatureVerifier.sign("not-the-secret", push),
                      "application/json",
                      true,
                      401),
                  new Case("no signature", "push", push, null, "application/json", true, 401),
                  new Case(
                      "signature not hex",
                      "push",
                      push,
                      "sha256=" + "zz".repeat(32),
                      "application/json",
                      true,
                      401),
                  new Case(
                      "signature too short",
                      "push",
                      push,
                      SignatureVerifier.sign(SECRET, push).substring(0, 70),
                      "application/json",
                      true,
                      401),
                  new Case(
                      "sha1 signature only",
                      "push",
                      push,
                      "sha1=" + "0".repeat(40),
                      "application/json",
                      true,
                      401),
                  new Case(
                      "signature over other bytes",
                      "push",
                      tampered,
                      SignatureVerifier.sign(SECRET, push),
                      "application/json",
                      true,
                      401),
                  signed("malformed JSON", "push", utf8("{\"ref\": \"refs/heads/main\", "), 400),
                  signed("JSON array", "push", utf8("[1,2,3]"), 400),
                  signed("empty body", "push", new byte[0], 400),
                  signed("JSON nested 100,000 deep", "push", deepJson, 400),
                  signed("push without repository", "push", noRepo.toBuffer().getBytes(), 400),
                  signed("push with a null SHA", "push", nullSha.toBuffer().getBytes(), 400),
                  signed(
                      "push with a SHA that is not one", "push", badSha.toBuffer().getBytes(), 400),
                  new Case(
                      "form-encoded content type (the App set to send x-www-form-urlencoded)",
                      "push",
                      form,
                      SignatureVerifier.sign(SECRET, form),
                      "application/x-www-form-urlencoded",
                      true,
                      415),
                  new Case(
                      "text/plain content type",
                      "push",
                      push,
                      SignatureVerifier.sign(SECRET, push),
                      "text/plain",
                      true,
                      415),
                  signed("body over MAX_BODY_BYTES", "push", oversized, 413),
                  signed("unknown event type", "marketplace_purchase", push, 204),
                  new Case(
                      "no event header",
                      null,
                      push,
                      SignatureVerifier.sign(SECRET, push),
                      "application/json",
                      true,
                      400),
                  new Case(
                      "no delivery id",
                      "push",
                      push,
                      SignatureVerifier.sign(SECRET, push),
                      "application/json",
                      false,
                      400),
                  signed(
                      "branch deletion push",
                      "push",
                      RecordedWebhooks.payload("push.deleted.json"),
                      204)));

      // Hostile workflow files: each at its own commit; accepted at the door, one failed check run
      // each.
      Map<String, String> hostile = new LinkedHashMap<>();
      hostile.put(
          "workflow nested 10,000 deep",
          "job \"a\" {\n" + "group \"g\" {\n".repeat(10_000) + "}\n".repeat(10_001));
      hostile.put(
          "workflow with a 2 MB string",
          "job \"a\" {\n    script \"" + "x".repeat(2 * 1024 * 1024) + "\"\n}\n");
      StringBuilder many = new StringBuilder();
      for (int i = 0; i < 10_000; i++) {
        many.append("job \"j").append(i).append("\" {\n    script \"true\"\n}\n");
      }
      hostile.put("workflow with 10,000 jobs", many.toString());
      hostile.put(
          "workflow that is not UTF-8",
          new String(new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2}, StandardCharsets.ISO_8859_1));
      hostile.put(
          "workflow with a cycle",
          "job \"a\" {\n    needs \"b\"\n    script \"true\"\n}\n"
              + "job \"b\" {\n    needs \"a\"\n    script \"true\"\n}\n");
      Map<String, String> shaOf = new LinkedHashMap<>();
      int i = 0;
      for (Map.Entry<String, String> e : hostile.entrySet()) {
        String sha = String.format("%040x", 0xbad000 + i++);
        s.sim.putFile(
            GitHubStack.REPO,
            sha,
            ".solstice/workflow.kdl",
            e.getKey().contains("UTF-8")
                ? e.getValue().getBytes(StandardCharsets.ISO_8859_1)
                : utf8(e.getValue()));
        shaOf.put(e.getKey(), sha);
        corpus.add(signed(e.getKey(), "push", GitHubStack.pushAt(sha), 202));
      }

      Map<String, Integer> answers = new LinkedHashMap<>();
      for (Case c : corpus) {
        var response =
            s.service.post(
                c.event(),
                c.deliveryId() ? UUID.randomUUID().toString() : null,
                c.body(),
                c.signature(),
                c.contentType());
        answers.put(c.name(), response.statusCode());
        if (response.statusCode() != c.expected()) {
          LOG.warn("{}: {} {}", c.name(), response.statusCode(), response.bodyAsString());
        }
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  shaOf.values().stream()
                      .allMatch(
                          sha ->
                              s.runs(sha).size() == 1
                                  && "completed".equals(s.runs(sha).get(0).getString("status"))));
      Map<String, String> runs = new LinkedHashMap<>();
      shaOf.forEach(
          (name, sha) -> {
            JsonObject run = s.runs(sha).get(0);
            runs.put(
                name,
                run.getString("name")
                    + ": "
                    + run.getString("conclusion")
                    + " ("
                    + run.getJsonObject("output").getString("summary")
                    + ")");
          });
      long queuedJobs = s.service.broker().count(s.service.config().jobs().queue());

      // Afterwards: ready, and a good push still becomes its two jobs.
      int ready = s.service.get("/health/ready").statusCode();
      String good = UUID.randomUUID().toString();
      int goodStatus =
          s.service.post("push", good, GitHubStack.pushAt(GitHubStack.SHA)).statusCode();
      JobTally after =
          JobTally.settleAndDrain(
              s.service.broker(),
              s.service.config().jobs().queue(),
              FaultSupport.intakeQueues(s.service.config()),
              Set.of(RequestIds.of(good, "build"), RequestIds.of(good, "test")),
              Duration.ofSeconds(30));
      StringBuilder table = new StringBuilder();
      corpus.forEach(
          c ->
              table
                  .append("\n  ")
                  .append(answers.get(c.name()))
                  .append(" (expected ")
                  .append(c.expected())
                  .append(")  ")
                  .append(c.name()));
      runs.forEach(
          (k, v) ->
              table
                  .append("\n  check run for ")
                  .append(k)
                  .append(": ")
                  .append(v.length() > 160 ? v.substring(0, 160) + "…" : v));
      LOG.info(
          "fault test 5 (bad-input corpus): {} cases, jobs queued by them={}, ready afterwards={}, good push={} -> {}{}",
          corpus.size(),
          queuedJobs,
          ready,
          goodStatus,
          after,
          table);
      s.registerSecrets(LOGS);

      for (Case c : corpus) {
        assertThat(answers.get(c.name())).as(c.name()).isEqualTo(c.expected());
      }
      runs.forEach(
          (name, run) -> assertThat(run).as(name).startsWith("Solstice CI / workflow: failure"));
      assertThat(queuedJobs).as("jobs from bad inputs").isZero();
      assertThat(s.service.broker().count(s.service.config().intake().deadLetterQueue()))
          .as("parked")
          .isZero();
      assertThat(ready).isEqualTo(200);
      assertThat(goodStatus).isEqualTo(202);
      assertThat(after.distinct()).isEqualTo(2);
      assertThat(after.duplicates()).isZero();
    }
  }
}
