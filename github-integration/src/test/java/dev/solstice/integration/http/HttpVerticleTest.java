package dev.solstice.integration.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.solstice.integration.github.GitHubMeta;
import dev.solstice.integration.webhook.SignatureVerifier;
import dev.solstice.integration.webhook.WebhookHandler;
import dev.solstice.simulator.github.GitHubSimulator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.healthchecks.HealthChecks;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The endpoint's limits in-process, over real sockets: the streaming body handler (size, budget,
 * signature, budget back to zero after every outcome) and the connection guard (deadlines, caps).
 */
class HttpVerticleTest {

  private static final String SECRET = "guard-test-secret";
  private static final long MAX_BODY = 16 * 1024;
  private static final long BUDGET = 40 * 1024;

  private final Vertx vertx = Vertx.vertx();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicInteger signatureFailures = new AtomicInteger();
  private final List<byte[]> delivered = new ArrayList<>();
  private BodyBudget budget;
  private int port;
  private SourceRateLimiter rateLimiter = new SourceRateLimiter(0);
  private SourceAllowlist sources;

  private void start(boolean unsigned, HttpLimits limits) throws Exception {
    HttpRefusals refusals = new HttpRefusals(registry, signatureFailures::incrementAndGet);
    budget = new BodyBudget(limits.maxBufferedBodyBytes());
    StreamingBodyHandler body =
        new StreamingBodyHandler(
            MAX_BODY,
            budget,
            unsigned ? null : new StreamingSignatureVerifier(List.of("old-secret", SECRET)),
            refusals);
    HttpVerticle http =
        new HttpVerticle(
            new HttpVerticle.Settings(
                "127.0.0.1",
                0,
                "/hook",
                body,
                limits,
                refusals,
                ctx -> {
                  Buffer verified = ctx.get(WebhookHandler.VERIFIED_BODY);
                  synchronized (delivered) {
                    delivered.add(verified.getBytes());
                  }
                  ctx.response().setStatusCode(202).end(Integer.toString(verified.length()));
                },
                rateLimiter,
                sources,
                HealthChecks.create(vertx),
                HealthChecks.create(vertx)));
    vertx.deployVerticle(http).toCompletionStage().toCompletableFuture().get();
    port = http.actualPort();
  }

  private void start() throws Exception {
    start(false, limits(Duration.ofSeconds(5), Duration.ofSeconds(5), 100, 100));
  }

  private static HttpLimits limits(Duration header, Duration body, int max, int perSource) {
    return new HttpLimits(BUDGET, header, body, Duration.ofSeconds(5), max, perSource);
  }

  @AfterEach
  void stop() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  private double refused(String reason) {
    var c = registry.find("solstice_http_refused").tag("reason", reason).counter();
    return c == null ? 0 : c.count();
  }

  private static String post(long contentLength, String signature) {
    return "POST /hook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + (signature == null ? "" : SignatureVerifier.HEADER + ": " + signature + "\r\n")
        + (contentLength < 0
            ? "Transfer-Encoding: chunked\r\n"
            : "Content-Length: " + contentLength + "\r\n")
        + "\r\n";
  }

  private static byte[] chunk(byte[] data) {
    byte[] head = (Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    byte[] out = new byte[head.length + data.length + 2];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(data, 0, out, head.length, data.length);
    out[out.length - 2] = '\r';
    out[out.length - 1] = '\n';
    return out;
  }

  private static byte[] body(int n) {
    byte[] b = new byte[n];
    java.util.Arrays.fill(b, (byte) 'x');
    return b;
  }

  private void awaitBudgetEmpty() {
    await().atMost(Duration.ofSeconds(5)).until(() -> budget.used() == 0);
  }

  @Test
  void signedChunkedBodyIsVerifiedWhileStreamingAndHandedOnWhole() throws Exception {
    start();
    byte[] body = body(12_000);
    try (RawHttp c = RawHttp.connect(port)) {
      c.send(post(-1, SignatureVerifier.sign(SECRET, body)));
      for (int i = 0; i < body.length; i += 1000) {
        c.send(chunk(java.util.Arrays.copyOfRange(body, i, i + 1000)));
      }
      c.send("0\r\n\r\n");
      RawHttp.Response r = c.read(Duration.ofSeconds(5));
      assertThat(r.status()).isEqualTo(202);
      assertThat(r.body()).isEqualTo("12000");
    }
    assertThat(delivered).hasSize(1);
    assertThat(delivered.get(0)).isEqualTo(body);
    awaitBudgetEmpty();
  }

  @Test
  void aSignatureByTheOlderRotatingSecretIsAccepted() throws Exception {
    start();
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    try (RawHttp c = RawHttp.connect(port)) {
      c.send(post(body.length, SignatureVerifier.sign("old-secret", body))).send(body);
      assertThat(c.read(Duration.ofSeconds(5)).status()).isEqualTo(202);
    }
    awaitBudgetEmpty();
  }

  @Test
  void missingOrMalformedSignatureIs401BeforeTheBodyIsSent() throws Exception {
    start();
    for (String signature : new String[] {null, "sha256=nothex", "sha1=" + "0".repeat(40)}) {
      try (RawHttp c = RawHttp.connect(port)) {
        c.send(post(10_000, signature)); // the body never comes
        RawHttp.Response r = c.read(Duration.ofSeconds(2));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.headers()).containsEntry("connection", "close");
      }
    }
    assertThat(refused("signature")).isEqualTo(3);
    assertThat(signatureFailures).hasValue(3);
    assertThat(delivered).isEmpty();
    awaitBudgetEmpty();
  }

  @Test
  void wrongSignatureIs401AtTheEndAndTheConnectionCloses() throws Exception {
    start();
    byte[] body = body(8000);
    try (RawHttp c = RawHttp.connect(port)) {
      c.send(post(body.length, SignatureVerifier.sign("not-the-secret", body))).send(body);
      assertThat(c.read(Duration.ofSeconds(5)).status()).isEqualTo(401);
      assertThat(c.closedWithin(Duration.ofSeconds(2))).isTrue();
    }
    assertThat(refused("signature")).isEqualTo(1);
    assertThat(delivered).isEmpty();
    awaitBudgetEmpty();
  }

  @Test
  void declaredLengthOverTheCapIs413BeforeReading() throws Exception {
    start();
    try (RawHttp c = RawHttp.connect(port)) {
      c.send(post(MAX_BODY + 1, "sha256=" + "0".repeat(64)));
      assertThat(c.read(Duration.ofSeconds(2)).status()).isEqualTo(413);
    }
    assertThat(refused("size")).isEqualTo(1);
    awaitBudgetEmpty();
  }

  @Test
  void chunkedBodyPassingTheCapIs413WhileStreaming() throws Exception {
    start();
    try (RawHttp c = RawHttp.connect(port)) {
      c.send(post(-1, "sha256=" + "0".repeat(64)));
      for (int i = 0; i < 20; i++) {
        c.send(chunk(body(1024)));
      }
      RawHttp.Response r = c.read(Duration.ofSeconds(5));
      assertThat(r.status()).isEqualTo(413);
      assertThat(c.closedWithin(Duration.ofSeconds(2))).isTrue();
    } catch (java.net.SocketException e) {
      // the server closed while chunks were still being written: also a refusal; the counter says
      // which
    }
    assertThat(refused("size")).isEqualTo(1);
    assertThat(delivered).isEmpty();
    awaitBudgetEmpty();
  }

  @Test
  void bodiesBeyondTheSharedBudgetAre503WithRetryAfterAndTheBudgetRecovers() throws Exception {
    start();
    byte[] body = body(15_000);
    String sig = SignatureVerifier.sign(SECRET, body);
    List<RawHttp> holding = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) { // 30,000 of the 40,960 bytes: their bodies are still to come
        holding.add(RawHttp.connect(port).send(post(body.length, sig)));
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> budget.used() == 30_000);
      try (RawHttp third = RawHttp.connect(port)) {
        RawHttp.Response r = third.send(post(body.length, sig)).read(Duration.ofSeconds(5));
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.headers()).containsEntry("retry-after", "5");
      }
      try (RawHttp chunked =
          RawHttp.connect(port)) { // a chunked body runs out of budget while streaming
        chunked.send(post(-1, sig));
        for (int i = 0; i < 12; i++) {
          chunked.send(chunk(body(1000)));
        }
        assertThat(chunked.read(Duration.ofSeconds(5)).status()).isEqualTo(503);
      } catch (java.net.SocketException e) {
        // closed while still writing chunks
      }
      assertThat(refused("budget")).isEqualTo(2);
      for (RawHttp c : holding) {
        assertThat(c.send(body).read(Duration.ofSeconds(5)).status()).isEqualTo(202);
      }
    } finally {
      for (RawHttp c : holding) {
        c.close();
      }
    }
    awaitBudgetEmpty();
    try (RawHttp again = RawHttp.connect(port)) {
      assertThat(again.send(post(body.length, sig)).send(body).read(Duration.ofSeconds(5)).status())
          .isEqualTo(202);
    }
    awaitBudgetEmpty();
  }

  @Test
  void aClientThatDisconnectsMidBodyGivesItsBudgetBack() throws Exception {
    start();
    byte[] body = body(15_000);
    try (RawHttp c = RawHttp.connect(port)) {
      c.send(post(body.length, SignatureVerifier.sign(SECRET, body)))
          .send(java.util.Arrays.copyOf(body, 5000));
      await().atMost(Duration.ofSeconds(5)).until(() -> budget.used() == 15_000);
    }
    awaitBudgetEmpty();
    try (RawHttp c = RawHttp.connect(port)) { // chunked: reserved chunk by chunk
      c.send(post(-1, SignatureVerifier.sign(SECRET, body))).send(chunk(body(3000)));
      await().atMost(Duration.ofSeconds(5)).until(() -> budget.used() == 3000);
    }
    awaitBudgetEmpty();
    assertThat(delivered).isEmpty();
  }

  // ---- issue 17: the client behind a trusted proxy, and the webhook source allowlist ----------

  private static final Cidrs LOOPBACK_PROXY = Cidrs.parse(List.of("127.0.0.1/32"));

  private void startUnsigned() throws Exception {
    start(true, limits(Duration.ofSeconds(5), Duration.ofSeconds(5), 100, 100));
  }

  /** An unsigned webhook on a new connection, forwarded for {@code client} when not null. */
  private int postFrom(String forwardedFor) throws Exception {
    try (RawHttp c = RawHttp.connect(port)) {
      String head = post(2, null);
      if (forwardedFor != null) {
        head = head.replace("\r\n\r\n", "\r\nX-Forwarded-For: " + forwardedFor + "\r\n\r\n");
      }
      return c.send(head).send("{}").read(Duration.ofSeconds(5)).status();
    }
  }

  @Test
  void behindATrustedProxyEachForwardedClientHasItsOwnRateLimitBucket() throws Exception {
    rateLimiter = new SourceRateLimiter(2, new ClientAddress(LOOPBACK_PROXY));
    startUnsigned();
    assertThat(postFrom("203.0.113.5")).isEqualTo(202);
    assertThat(postFrom("203.0.113.5")).isEqualTo(202);
    assertThat(postFrom("203.0.113.5")).as("the same client, over its limit").isEqualTo(429);
    // On main every delivery through the ingress shared the proxy's bucket: this was a 429.
    assertThat(postFrom("198.51.100.7, 203.0.113.6")).isEqualTo(202);
  }

  @Test
  void forwardedForFromAPeerNotInTrustedProxiesIsIgnored() throws Exception {
    rateLimiter = new SourceRateLimiter(2, new ClientAddress(Cidrs.NONE));
    startUnsigned();
    assertThat(postFrom("203.0.113.1")).isEqualTo(202);
    assertThat(postFrom("203.0.113.2")).isEqualTo(202);
    assertThat(postFrom("203.0.113.3")).as("a made-up header buys no new bucket").isEqualTo(429);
  }

  @Test
  void onlyTheHopsTrustedProxiesAddedAreBelieved() throws Exception {
    rateLimiter =
        new SourceRateLimiter(
            1, new ClientAddress(Cidrs.parse(List.of("127.0.0.1", "10.0.0.0/8"))));
    startUnsigned();
    // The client wrote the first entry itself; the ingress (10.1.2.3) saw it at 203.0.113.9.
    assertThat(postFrom("192.0.2.1, 203.0.113.9, 10.1.2.3")).isEqualTo(202);
    assertThat(postFrom("192.0.2.2, 203.0.113.9, 10.1.2.3")).isEqualTo(429);
  }

  @Test
  void webhooksFromOutsideTheListedRangesAreRefusedBeforeTheirBody() throws Exception {
    HttpRefusals refusals = new HttpRefusals(registry, () -> {});
    sources =
        new SourceAllowlist(
            Cidrs.parse(List.of("192.30.252.0/22")),
            null,
            new ClientAddress(LOOPBACK_PROXY),
            refusals);
    startUnsigned();
    assertThat(postFrom("192.30.253.10")).isEqualTo(202);
    assertThat(postFrom("198.51.100.1")).isEqualTo(403);
    assertThat(postFrom(null)).as("the proxy itself is no GitHub").isEqualTo(403);
    assertThat(refused("source")).isEqualTo(2);
  }

  @Test
  void githubsHookRangesComeFromMetaAndAreKeptWhenARefreshFails() throws Exception {
    GitHubSimulator sim =
        GitHubSimulator.start(vertx).toCompletionStage().toCompletableFuture().get();
    sim.trust().hookRanges(List.of("192.30.252.0/22"));
    GitHubMeta meta = new GitHubMeta(vertx, URI.create(sim.baseUrl()));
    sources =
        new SourceAllowlist(
            Cidrs.NONE,
            meta::hookRanges,
            new ClientAddress(LOOPBACK_PROXY),
            new HttpRefusals(registry, () -> {}));
    startUnsigned();
    assertThat(postFrom("192.30.252.1")).isEqualTo(202);
    assertThat(postFrom("140.82.112.1")).isEqualTo(403);

    sim.trust().failMeta(1);
    sources.refresh().toCompletionStage().toCompletableFuture().get();
    assertThat(postFrom("192.30.252.1")).as("kept after a failed read").isEqualTo(202);

    sim.trust().hookRanges(List.of("140.82.112.0/20"));
    sources.refresh().toCompletionStage().toCompletableFuture().get();
    assertThat(postFrom("140.82.112.1")).isEqualTo(202);
    assertThat(postFrom("192.30.252.1")).isEqualTo(403);
    assertThat(sim.count("meta/get")).isEqualTo(3);
    assertThat(sim.schemaViolations()).isEmpty();
  }

  @Test
  void unsignedModeAcceptsABodyWithoutASignature() throws Exception {
    start(true, limits(Duration.ofSeconds(5), Duration.ofSeconds(5), 100, 100));
    try (RawHttp c = RawHttp.connect(port)) {
      assertThat(c.send(post(2, null)).send("{}").read(Duration.ofSeconds(5)).status())
          .isEqualTo(202);
    }
    awaitBudgetEmpty();
  }

  @Test
  void aBodyShorterThanItsContentLengthIs408AfterTheBodyTimeoutAndClosed() throws Exception {
    start(false, limits(Duration.ofSeconds(5), Duration.ofMillis(600), 100, 100));
    try (RawHttp c = RawHttp.connect(port)) {
      long t0 = System.nanoTime();
      c.send(post(1000, "sha256=" + "0".repeat(64))).send(body(10));
      RawHttp.Response r = c.read(Duration.ofSeconds(5));
      assertThat(r.status()).isEqualTo(408);
      assertThat(c.closedWithin(Duration.ofSeconds(2))).isTrue();
      // the deadline, one sweep (150 ms) and scheduling; not a graceful shutdown waiting for the
      // body
      assertThat(Duration.ofNanos(System.nanoTime() - t0))
          .isBetween(Duration.ofMillis(550), Duration.ofMillis(1400));
    }
    // counted just after the 408 is written, so the client can read it first
    await().atMost(Duration.ofSeconds(2)).until(() -> refused("timeout") == 1);
    awaitBudgetEmpty();
  }

  @Test
  void headersThatNeverCompleteAreClosedAfterTheHeaderTimeout() throws Exception {
    start(false, limits(Duration.ofMillis(600), Duration.ofSeconds(5), 100, 100));
    try (RawHttp c = RawHttp.connect(port)) {
      c.send("POST /hook HTTP/1.1\r\nHost: x\r\nX-Slow: ");
      assertThat(c.closedWithin(Duration.ofMillis(300))).isFalse();
      assertThat(c.closedWithin(Duration.ofMillis(1100))).isTrue();
    }
    assertThat(refused("timeout")).isEqualTo(1);
  }

  @Test
  void connectionsOverTheCapsAreClosedAtOnce() throws Exception {
    start(false, limits(Duration.ofSeconds(5), Duration.ofSeconds(5), 100, 3));
    List<RawHttp> open = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        open.add(RawHttp.connect(port));
      }
      await()
          .atMost(Duration.ofSeconds(2))
          .until(() -> registry.find("solstice_http_connections").gauge().value() == 3);
      try (RawHttp fourth = RawHttp.connect(port)) {
        assertThat(fourth.closedWithin(Duration.ofSeconds(2))).isTrue();
      }
      assertThat(refused("connection_cap")).isEqualTo(1);
      byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
      assertThat(
              open.get(0)
                  .send(post(2, SignatureVerifier.sign(SECRET, body)))
                  .send(body)
                  .read(Duration.ofSeconds(5))
                  .status())
          .isEqualTo(202);
    } finally {
      for (RawHttp c : open) {
        c.close();
      }
    }
    await()
        .atMost(Duration.ofSeconds(2))
        .until(() -> registry.find("solstice_http_connections").gauge().value() == 0);
    try (RawHttp after = RawHttp.connect(port)) { // the slots came back
      assertThat(after.closedWithin(Duration.ofMillis(500))).isFalse();
    }
  }

  @Test
  void pipelinedRequestsAreEachAnswered() throws Exception {
    start();
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    String one = post(2, SignatureVerifier.sign(SECRET, body)) + "{}";
    try (RawHttp c = RawHttp.connect(port)) {
      c.send(one.repeat(50));
      for (int i = 0; i < 50; i++) {
        assertThat(c.read(Duration.ofSeconds(5)).status()).as("response %d", i).isEqualTo(202);
      }
    }
    assertThat(delivered).hasSize(50);
    awaitBudgetEmpty();
  }
}
