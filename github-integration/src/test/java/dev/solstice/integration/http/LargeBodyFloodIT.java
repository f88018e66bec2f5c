package dev.solstice.integration.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 19: 40 concurrent 24 MB POSTs with a wrong signature (a 960 MB burst; on main 20 of them
 * killed the process with OutOfMemoryError) against the packaged service with the deployment's
 * memory flags, while a sender delivers signed pushes and resends each on a 503 or a failed
 * connection, as GitHub's redelivery would.
 */
class LargeBodyFloodIT {

  private static final Logger LOG = LoggerFactory.getLogger(LargeBodyFloodIT.class);

  @Test
  void fortyConcurrent24MbBodiesLeaveTheProcessUpAndNoSignedPushIsLost() throws Exception {
    try (HostileService service = HostileService.start(Map.of())) {
      byte[] big = new byte[24 * 1024 * 1024];
      java.util.Arrays.fill(big, (byte) ' ');
      AtomicLong maxHeap = new AtomicLong();
      AtomicBoolean attacking = new AtomicBoolean(true);
      var heapWatch = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
      heapWatch.scheduleWithFixedDelay(
          () -> maxHeap.accumulateAndGet(service.heapUsed(), Math::max),
          0,
          100,
          java.util.concurrent.TimeUnit.MILLISECONDS);
      List<String> pushes = new ArrayList<>();
      List<Integer> answers = new java.util.concurrent.CopyOnWriteArrayList<>();
      CompletableFuture<Void> sender =
          CompletableFuture.runAsync(
              () -> {
                while (attacking.get() || pushes.size() < 10) {
                  String id = UUID.randomUUID().toString();
                  pushes.add(id);
                  int status;
                  do {
                    status = service.push(id);
                    answers.add(status);
                  } while (status < 200 || status >= 300);
                }
              });

      Map<String, Integer> outcomes =
          Attacks.bigBodies(service.port, service.config.webhookPath(), 40, big);
      attacking.set(false);
      sender.get(60, java.util.concurrent.TimeUnit.SECONDS);
      heapWatch.shutdown();
      heapWatch.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);

      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> service.deliveredIds().containsAll(pushes));
      Set<String> delivered = service.deliveredIds();
      double budgetRefusals = service.refused("budget");
      double signatureRefusals = service.refused("signature");
      LOG.info(
          "40 x 24 MB wrong-signature POSTs: {}; signed pushes {} (answers {}), delivered {}; max heap used {} MiB;"
              + " refused budget={} signature={}; RSS {} MiB",
          outcomes,
          pushes.size(),
          tally(answers),
          delivered.size(),
          maxHeap.get() >> 20,
          budgetRefusals,
          signatureRefusals,
          service.rssBytes() >> 20);

      assertThat(service.process.isAlive()).as("the service survived").isTrue();
      assertThat(service.process.output()).doesNotContain("OutOfMemoryError");
      assertThat(outcomes.keySet()).as("every attack refused").isSubsetOf("401", "503", "closed");
      assertThat(outcomes.getOrDefault("503", 0)).as("the budget turned some away").isPositive();
      assertThat(budgetRefusals).isPositive();
      assertThat(maxHeap.get())
          .as("heap used, from /metrics")
          .isPositive()
          .isLessThan(HostileService.MAX_HEAP);
      assertThat(answers).as("every answer to a signed push").allMatch(s -> s == 202 || s == 503);
      assertThat(delivered).as("no signed push lost").containsAll(pushes);
      assertThat(service.status("/health/ready")).isEqualTo(200);
    }
  }

  private static Map<Integer, Long> tally(List<Integer> answers) {
    return answers.stream()
        .collect(
            java.util.stream.Collectors.groupingBy(
                a -> a, java.util.TreeMap::new, java.util.stream.Collectors.counting()));
  }
}
