package dev.solstice.integration.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.solstice.integration.github.CapturedLogs;
import dev.solstice.integration.testing.ServiceHarness;
import dev.solstice.integration.testing.VertxPerClass;
import dev.solstice.simulator.github.RecordedWebhooks;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fault test 1: 2,000 signed deliveries while the service's broker connection is closed under load,
 * three times ({@code rabbitmqctl close_connection} on the service's connection only). Every
 * delivery either got a 2xx, or got a 503 (or no answer) and is sent again, as GitHub's redelivery
 * would; in the end each delivery yields exactly its JobRequest.
 */
class BrokerConnectionLossIT extends VertxPerClass {

  private static final Logger LOG = LoggerFactory.getLogger(BrokerConnectionLossIT.class);
  static final int N = 2000;

  @RegisterExtension static final CapturedLogs LOGS = new CapturedLogs();

  @BeforeAll
  static void secrets() {
    LOGS.secret(ServiceHarness.SECRET);
  }

  @Test
  void noDeliveryIsLostOrDuplicatedWhenTheConnectionDropsUnderLoad() throws Exception {
    try (ServiceHarness h =
        ServiceHarness.start(
            vertx,
            ServiceHarness.isolatedEnv(
                Map.of(
                    "WEBHOOK_RATE_LIMIT_PER_MINUTE", "0",
                    "AMQP_CONFIRM_TIMEOUT", "2s",
                    "INTAKE_PREFETCH", "32",
                    "INTAKE_MAX_ATTEMPTS", "20",
                    "INTAKE_RETRY_DELAYS", "200ms,500ms")))) {
      FaultSupport.track(h.broker(), h.config());
      List<String> ids = FaultSupport.deliveryIds(N);
      byte[] body = RecordedWebhooks.payload("push.json");
      WebhookLoad load = new WebhookLoad(ServiceHarness.SECRET, () -> h.service().httpPort());
      HttpClient probe = HttpClient.newHttpClient();
      AtomicInteger closed = new AtomicInteger();
      AtomicInteger notReadySeen = new AtomicInteger();
      AtomicReference<Throwable> closerFailed = new AtomicReference<>();
      Thread closer =
          new Thread(
              () -> {
                try {
                  for (int threshold : new int[] {300, 900, 1500}) {
                    int reached = threshold;
                    await()
                        .atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(5))
                        .until(() -> load.accepted.get() >= reached || load.requests() >= N);
                    // Ready again after the previous close (or give up waiting after 15 s and close
                    // anyway).
                    within(
                        Duration.ofSeconds(15),
                        () -> FaultSupport.ready(probe, h.service().httpPort()) == 200);
                    closed.addAndGet(
                        Rabbitmqctl.closeByClientName(
                            h.service().connectionName(), "fault test: connection lost"));
                    if (within(
                        Duration.ofSeconds(3),
                        () -> FaultSupport.ready(probe, h.service().httpPort()) != 200)) {
                      notReadySeen.incrementAndGet();
                    }
                  }
                } catch (Throwable e) {
                  closerFailed.set(e);
                }
              },
              "closer");
      closer.start();

      // 100 a second, so the load (20 s) outlasts the three closures even when rabbitmqctl, an
      // Erlang
      // VM per call, takes seconds on a busy machine: at 250 a second the load could end before the
      // second closure, and then no delivery meets an outage.
      load.sendAll("push", ids, body, 32, 100);
      closer.join(60_000);
      String firstPass = load.summary();
      int rounds = load.resendUntilAccepted("push", ids, body, 32, Duration.ofSeconds(60));
      JobTally tally =
          JobTally.settleAndDrain(
              h.broker(),
              h.config().jobs().queue(),
              FaultSupport.intakeQueues(h.config()),
              JobTally.defaultJobs(ids),
              Duration.ofSeconds(120));
      LOG.info(
          "fault test 1 (connection closed under load): deliveries={} connections closed={} not-ready seen={}"
              + " | first pass: {} | resend rounds={} | all requests: {} | {}",
          N,
          closed,
          notReadySeen,
          firstPass,
          rounds,
          load.summary(),
          tally);

      assertThat(closerFailed.get()).isNull();
      assertThat(closed.get()).as("connections closed under load").isEqualTo(3);
      assertThat(notReadySeen.get()).as("readiness went down after each closure").isEqualTo(3);
      assertThat(load.unavailable.get() + load.noAnswer.get())
          .as("deliveries refused during the outages")
          .isPositive();
      assertThat(load.slowest503.get()).as("slowest 503 (ms)").isLessThan(3_000);
      assertThat(load.slowest.get())
          .as("slowest answer (ms), GitHub waits 10 s")
          .isLessThan(10_000);
      assertThat(load.other.get()).as("answers other than 2xx/503").isZero();
      assertThat(tally.lost()).as("lost: " + tally).isZero();
      assertThat(tally.unexpected()).as("unexpected: " + tally).isZero();
      assertThat(tally.distinct()).isEqualTo(N);
      // At-least-once, honestly: a JobRequest the broker took but whose confirm was lost with the
      // connection is published again when its delivery is retried. It is the same work (same
      // request_id, also the AMQP message_id), which consumers drop (docs/messages.md); at most the
      // JobRequests in flight when a connection dropped can be copied.
      assertThat(tally.duplicates())
          .as("extra copies by request_id: " + tally)
          .isLessThanOrEqualTo(3 * 32);
      assertThat(tally.copies().values()).as("copies per request_id").allMatch(c -> c <= 2);
      assertThat(h.broker().count(h.config().intake().deadLetterQueue())).as("parked").isZero();
      assertThat(FaultSupport.ready(probe, h.service().httpPort())).isEqualTo(200);
    }
  }

  /** Whether {@code condition} came true within {@code d} (polled every 20 ms). */
  private static boolean within(Duration d, java.util.concurrent.Callable<Boolean> condition) {
    try {
      await().atMost(d).pollInterval(Duration.ofMillis(20)).until(condition);
      return true;
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      return false;
    }
  }
}
