package dev.solstice.integration.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.solstice.integration.core.RequestIds;
import dev.solstice.integration.github.CapturedLogs;
import dev.solstice.integration.testing.VertxPerClass;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The missed-delivery job inside the running service (MISSED_DELIVERIES=true): a delivery GitHub
 * recorded as failed (our 503) is redelivered once, arrives, and becomes its jobs; later runs leave
 * it alone.
 */
class MissedDeliveryServiceIT extends VertxPerClass {

  private static final Logger LOG = LoggerFactory.getLogger(MissedDeliveryServiceIT.class);

  @RegisterExtension static final CapturedLogs LOGS = new CapturedLogs();

  @Test
  void aDeliveryThatFailedIsRedeliveredOnceAndBecomesItsJobs() throws Exception {
    try (GitHubStack s =
        GitHubStack.start(
            vertx, Map.of("MISSED_DELIVERIES", "true", "MISSED_DELIVERIES_INTERVAL", "1s"), LOGS)) {
      assertThat(s.service.service().missedDeliveries()).isPresent();
      String guid = UUID.randomUUID().toString();
      long failed = s.sim.addHookDelivery(guid, "push", null, 503, false);
      s.sim.addHookDelivery(UUID.randomUUID().toString(), "push", null, 202, false);

      await().atMost(Duration.ofSeconds(15)).until(() -> s.sim.redelivered().contains(failed));
      // GitHub performs the redelivery: it reaches us and is recorded as OK.
      assertThat(s.service.post("push", guid, GitHubStack.pushAt(GitHubStack.SHA)).statusCode())
          .isEqualTo(202);
      s.sim.addHookDelivery(guid, "push", null, 202, true);
      JobTally tally =
          JobTally.settleAndDrain(
              s.service.broker(),
              s.service.config().jobs().queue(),
              FaultSupport.intakeQueues(s.service.config()),
              Set.of(RequestIds.of(guid, "build"), RequestIds.of(guid, "test")),
              Duration.ofSeconds(30));
      long runsBefore =
          LOGS.lines().stream().filter(l -> l.contains("missed-delivery run:")).count();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  LOGS.lines().stream().filter(l -> l.contains("missed-delivery run:")).count()
                      >= runsBefore + 2);
      LOG.info(
          "missed deliveries in the service: redelivered {} | {} | runs so far {}",
          s.sim.redelivered(),
          tally,
          LOGS.lines().stream().filter(l -> l.contains("missed-delivery run:")).count());
      s.registerSecrets(LOGS);

      assertThat(s.sim.redelivered()).containsExactly(failed);
      assertThat(tally.distinct()).isEqualTo(2);
      assertThat(tally.duplicates()).isZero();
    }
  }
}
