package dev.solstice.integration.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solstice.integration.github.CapturedLogs;
import dev.solstice.integration.testing.ServiceHarness;
import dev.solstice.integration.testing.TestBroker;
import dev.solstice.integration.testing.VertxPerClass;
import dev.solstice.simulator.github.RecordedWebhooks;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Broker outages longer than a dropped connection, through a proxy the test breaks (the shared
 * broker is never stopped): 5 s unreachable (connections refused), then 4 s of black hole
 * (connections open, no bytes). While it lasts the endpoint answers 503 within the confirm timeout
 * (never hangs), readiness is down; afterwards the service is back by itself, and every delivery
 * resent after a 503 yields its JobRequest once.
 */
class BrokerOutageIT extends VertxPerClass {

  private static final Logger LOG = LoggerFactory.getLogger(BrokerOutageIT.class);

  @RegisterExtension static final CapturedLogs LOGS = new CapturedLogs();

  @BeforeAll
  static void secrets() {
    LOGS.secret(ServiceHarness.SECRET);
  }

  @Test
  void unreachableAndBlackHoledBrokerGive503FastAndTheServiceRecoversByItself() throws Exception {
    URI real = URI.create(TestBroker.URL);
    try (FlakyTcpProxy proxy =
            new FlakyTcpProxy(real.getHost(), real.getPort() < 0 ? 5672 : real.getPort());
        ServiceHarness h =
            ServiceHarness.start(
                vertx,
                ServiceHarness.isolatedEnv(
                    Map.of(
                        "AMQP_URL", "amqp://guest:guest@127.0.0.1:" + proxy.port() + "/%2f",
                        "AMQP_CONFIRM_TIMEOUT", "2s",
                        "WEBHOOK_RATE_LIMIT_PER_MINUTE", "0")))) {
      FaultSupport.track(h.broker(), h.config());
      byte[] body = RecordedWebhooks.payload("push.json");
      WebhookLoad load = new WebhookLoad(ServiceHarness.SECRET, () -> h.service().httpPort());
      HttpClient probe = HttpClient.newHttpClient();
      List<String> all = new ArrayList<>();

      // Warm-up: the path works.
      List<String> before = FaultSupport.deliveryIds(50);
      all.addAll(before);
      load.sendAll("push", before, body, 8);

      // 1. Unreachable for 5 s.
      proxy.refuse();
      long downAt = System.nanoTime();
      List<String> duringRefused = FaultSupport.deliveryIds(50);
      all.addAll(duringRefused);
      int readyDuringRefused = FaultSupport.ready(probe, h.service().httpPort());
      load.sendAll("push", duringRefused, body, 4, 10);
      long refusedSlowest =
          duringRefused.stream()
              .flatMap(id -> load.answers.get(id).stream())
              .mapToLong(WebhookLoad.Answer::millis)
              .max()
              .orElse(0);
      int refused503 = load.unavailable.get();
      // Unreachable for 5 s in all, readiness down throughout.
      stillHolds(
          Duration.ofNanos(Math.max(0, 5_000_000_000L - (System.nanoTime() - downAt))),
          () -> FaultSupport.ready(probe, h.service().httpPort()) == 503);
      proxy.restore();
      long restoredAt = System.nanoTime();
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> FaultSupport.ready(probe, h.service().httpPort()) == 200);
      long readyAfterMs = (System.nanoTime() - restoredAt) / 1_000_000;

      // 2. Black hole for 4 s: the connection stays open, confirms never come.
      proxy.pause();
      List<String> duringBlackHole = FaultSupport.deliveryIds(20);
      all.addAll(duringBlackHole);
      long blackHoleStart = System.nanoTime();
      load.sendAll("push", duringBlackHole, body, 20);
      long blackHoleSlowest = (System.nanoTime() - blackHoleStart) / 1_000_000;
      int blackHole503 = load.unavailable.get() - refused503;
      // Black-holed for 4 s in all: no JobRequest reaches the broker meanwhile.
      String jobs = h.config().jobs().queue();
      long jobsInBlackHole = h.broker().count(jobs);
      stillHolds(
          Duration.ofNanos(Math.max(0, 4_000_000_000L - (System.nanoTime() - blackHoleStart))),
          () -> h.broker().count(jobs) == jobsInBlackHole);
      proxy.restore();
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> FaultSupport.ready(probe, h.service().httpPort()) == 200);

      int rounds = load.resendUntilAccepted("push", all, body, 8, Duration.ofSeconds(60));

      // 3. Black hole for 6 s while deliveries are in hand (put straight into the intake queue):
      // their JobRequests and their retries both go unconfirmed; each must still end acked, none
      // may hold a prefetch slot for good (else the intake starves and the rest never comes).
      List<String> inHand = FaultSupport.deliveryIds(1000);
      for (String id : inHand) {
        Map<String, Object> headers = new java.util.HashMap<>();
        headers.put("x-github-delivery", id);
        headers.put("x-github-event", "push");
        headers.put("x-solstice-received-at", java.time.Instant.now().toString());
        headers.put("x-solstice-attempts", 1);
        h.broker()
            .channel()
            .basicPublish(
                h.config().intake().exchange(),
                h.config().intake().routingKey(),
                new com.rabbitmq.client.AMQP.BasicProperties.Builder()
                    .contentType("application/json")
                    .deliveryMode(2)
                    .messageId(id)
                    .type("webhook.push")
                    .headers(headers)
                    .build(),
                body);
      }
      proxy.pause(); // the consumer is still working through them

      // The black hole lasts 6 s, and until the service has had to retry a reschedule in place (its
      // JobRequests and reschedules go unconfirmed meanwhile).
      long pausedAt = System.nanoTime();
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(50))
          .until(
              () ->
                  System.nanoTime() - pausedAt >= 6_000_000_000L
                      && LOGS.lines().stream()
                          .anyMatch(l -> l.contains("could not reschedule message")));
      proxy.restore();
      List<String> expected = new ArrayList<>(all);
      expected.addAll(inHand);
      JobTally tally =
          JobTally.settleAndDrain(
              h.broker(),
              h.config().jobs().queue(),
              FaultSupport.intakeQueues(h.config()),
              JobTally.defaultJobs(expected),
              Duration.ofSeconds(90));
      long rescheduleRetries =
          LOGS.lines().stream().filter(l -> l.contains("could not reschedule message")).count();
      LOG.info(
          "fault test 1b (broker unreachable 5 s, then black-holed 4 s): deliveries={} | while unreachable: ready={}"
              + " 503s={}/{} slowest answer={} ms, ready again {} ms after the broker came back | black hole: 503s={}/{},"
              + " all answered within {} ms | resend rounds={} | all requests: {} | black hole with {} deliveries in hand:"
              + " reschedules retried in place={} | {}",
          all.size(),
          readyDuringRefused,
          refused503,
          duringRefused.size(),
          refusedSlowest,
          readyAfterMs,
          blackHole503,
          duringBlackHole.size(),
          blackHoleSlowest,
          rounds,
          load.summary(),
          inHand.size(),
          rescheduleRetries,
          tally);

      assertThat(readyDuringRefused).as("readiness while the broker is unreachable").isEqualTo(503);
      assertThat(refused503).as("503s while unreachable").isEqualTo(duringRefused.size());
      assertThat(refusedSlowest).as("slowest answer while unreachable (ms)").isLessThan(1000);
      assertThat(blackHole503).as("503s during the black hole").isEqualTo(duringBlackHole.size());
      assertThat(blackHoleSlowest)
          .as("every request answered within the confirm timeout (ms)")
          .isLessThan(4000);
      assertThat(tally.lost()).as(tally.toString()).isZero();
      assertThat(tally.unexpected()).isZero();
      assertThat(tally.distinct()).isEqualTo(expected.size());
      // JobRequests whose confirm was lost when the connections were dropped are published again
      // (same request_id; consumers drop the copy): at most the intake prefetch, once each.
      assertThat(rescheduleRetries)
          .as("reschedules retried in place during the black hole")
          .isPositive();
      assertThat(tally.duplicates())
          .as(tally.toString())
          .isLessThanOrEqualTo(2 * h.config().intakePrefetch());
      // A copy comes from a processing attempt whose JobRequest reached the broker but whose
      // confirm
      // was lost in the black hole: at most one per attempt (seen: 3 for one request_id).
      assertThat(tally.copies().values())
          .as("copies per request_id")
          .allMatch(c -> c <= h.config().maxAttempts());
    }
  }

  /** Waits {@code d} while {@code condition} holds; fails if it stops holding for good. */
  private static void stillHolds(Duration d, java.util.concurrent.Callable<Boolean> condition) {
    org.awaitility.Awaitility.await()
        .during(d)
        .atMost(d.plusSeconds(3))
        .pollInterval(Duration.ofMillis(50))
        .until(condition);
  }
}
