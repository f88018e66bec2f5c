package dev.solstice.integration.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.solstice.integration.github.CapturedLogs;
import dev.solstice.integration.testing.ServiceHarness;
import dev.solstice.integration.testing.TestDatabase;
import dev.solstice.integration.testing.VertxPerClass;
import dev.solstice.simulator.github.RecordedWebhooks;
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
 * Issue 15: PostgreSQL goes away in the middle of a load of signed pushes. The machine's PostgreSQL
 * is shared with other suites, so it is not stopped: the service reaches it through a TCP proxy
 * that the test cuts (every connection dropped, new ones refused) and later restores. Every
 * delivery is still answered 202 at once and becomes its JobRequest (the record never sits between
 * a webhook and its 2xx); the record falls behind while the database is away and catches up after,
 * every delivery in it with its outcome, none dropped.
 */
class RecordOutageIT extends VertxPerClass {

  private static final Logger LOG = LoggerFactory.getLogger(RecordOutageIT.class);

  @RegisterExtension static final CapturedLogs LOGS = new CapturedLogs();

  @BeforeAll
  static void secrets() {
    LOGS.secret(ServiceHarness.SECRET);
  }

  @Test
  void postgresqlDownMidLoadLosesNoDeliveryAndTheRecordCatchesUp() throws Exception {
    String[] hostPort = TestDatabase.HOST_PORT.split(":");
    try (TestDatabase db = TestDatabase.create();
        FlakyTcpProxy proxy = new FlakyTcpProxy(hostPort[0], Integer.parseInt(hostPort[1]));
        ServiceHarness h =
            ServiceHarness.start(
                vertx,
                ServiceHarness.isolatedEnv(
                    Map.of(
                        "DATABASE_URL",
                        db.urlThroughPort(proxy.port()),
                        "WEBHOOK_RATE_LIMIT_PER_MINUTE",
                        "0")))) {
      FaultSupport.track(h.broker(), h.config());
      await().atMost(Duration.ofSeconds(30)).until(db::migrated);
      byte[] body = RecordedWebhooks.payload("push.json");
      WebhookLoad load = new WebhookLoad(ServiceHarness.SECRET, () -> h.service().httpPort());
      List<String> all = new ArrayList<>();

      List<String> before = FaultSupport.deliveryIds(100);
      all.addAll(before);
      load.sendAll("push", before, body, 8, 100);

      proxy.refuse();
      long downAt = System.nanoTime();
      List<String> during = FaultSupport.deliveryIds(300);
      all.addAll(during);
      load.sendAll("push", during, body, 8, 100);
      // Down for 6 s in all; the record holds its writes throughout.
      Duration rest = Duration.ofNanos(Math.max(1, 6_000_000_000L - (System.nanoTime() - downAt)));
      await()
          .during(rest)
          .atMost(rest.plusSeconds(3))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> h.service().record().pending() > 0);
      int pendingWhileDown = h.service().record().pending();
      long recordedWhileDown = db.count("SELECT count(*) FROM deliveries");
      proxy.restore();
      long restoredAt = System.nanoTime();

      List<String> after = FaultSupport.deliveryIds(100);
      all.addAll(after);
      load.sendAll("push", after, body, 8, 100);

      JobTally tally =
          JobTally.settleAndDrain(
              h.broker(),
              h.config().jobs().queue(),
              FaultSupport.intakeQueues(h.config()),
              JobTally.defaultJobs(all),
              Duration.ofSeconds(90));
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () ->
                  h.service().record().pending() == 0
                      && db.count("SELECT count(*) FROM deliveries WHERE outcome = 'published'")
                          == all.size());
      long caughtUpMs = (System.nanoTime() - restoredAt) / 1_000_000;
      LOG.info(
          "record outage: deliveries={} ({} while PostgreSQL was cut for 6 s) | {} | slowest answer"
              + " {} ms | record writes pending while down={}, rows written while down={} |"
              + " record caught up {} ms after the restore, dropped={} | {}",
          all.size(),
          during.size(),
          load.summary(),
          load.slowest.get(),
          pendingWhileDown,
          recordedWhileDown,
          caughtUpMs,
          h.service().record().dropped(),
          tally);

      assertThat(load.notAccepted(all)).as("every delivery answered 2xx").isEmpty();
      assertThat(load.slowest.get())
          .as("the answer does not wait on the database (ms)")
          .isLessThan(2_000);
      assertThat(tally.lost()).as(tally.toString()).isZero();
      assertThat(tally.duplicates()).as(tally.toString()).isZero();
      assertThat(tally.distinct()).isEqualTo(all.size());
      assertThat(pendingWhileDown).as("writes held while the database was away").isPositive();
      assertThat(h.service().record().dropped()).isZero();
      assertThat(db.count("SELECT count(*) FROM deliveries")).isEqualTo(all.size());
      assertThat(h.broker().count(h.config().intake().deadLetterQueue())).as("parked").isZero();
    }
  }
}
