package dev.solstice.integration.faults;

import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.GetResponse;
import dev.solstice.integration.core.RequestIds;
import dev.solstice.integration.testing.TestBroker;
import dev.solstice.jobrequest.JobCodec;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** What reached the JobRequest queue, by request_id, against what should have. */
record JobTally(
    int messages,
    int distinct,
    int duplicates,
    int lost,
    int unexpected,
    Map<UUID, Integer> copies) {

  /** Every request id expected: one default job per delivery (intake-only mode). */
  static Set<UUID> defaultJobs(Collection<String> deliveries) {
    Set<UUID> ids = new HashSet<>();
    for (String d : deliveries) {
      ids.add(RequestIds.of(d, RequestIds.DEFAULT_JOB));
    }
    return ids;
  }

  /**
   * Waits until the flow is quiet (intake and its delay queues empty, counting unacked, and the job
   * count unchanged for 3 s), then takes every JobRequest and compares with {@code expected}.
   */
  static JobTally settleAndDrain(
      TestBroker broker,
      String jobsQueue,
      List<String> intakeQueues,
      Set<UUID> expected,
      Duration within)
      throws Exception {
    long[] last = {-1};
    long[] stableSince = {System.nanoTime()};
    await()
        .atMost(within)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              Map<String, Long> depths = Rabbitmqctl.depths(intakeQueues);
              boolean intakeEmpty = depths.values().stream().allMatch(n -> n == 0);
              long jobs = broker.count(jobsQueue);
              if (jobs != last[0] || !intakeEmpty) {
                last[0] = jobs;
                stableSince[0] = System.nanoTime();
                return false;
              }
              return jobs >= expected.size() && System.nanoTime() - stableSince[0] > 3_000_000_000L;
            });
    Map<UUID, Integer> copies = new HashMap<>();
    int messages = 0;
    for (GetResponse r = broker.get(jobsQueue); r != null; r = broker.get(jobsQueue)) {
      UUID id = JobCodec.decodeRequest(r.getBody()).requestId();
      if (!id.toString().equals(r.getProps().getMessageId())) {
        throw new AssertionError(
            "message_id " + r.getProps().getMessageId() + " is not request_id " + id);
      }
      copies.merge(id, 1, Integer::sum);
      messages++;
    }
    Set<UUID> lost = new HashSet<>(expected);
    lost.removeAll(copies.keySet());
    Set<UUID> unexpected = new HashSet<>(copies.keySet());
    unexpected.removeAll(expected);
    int duplicates = messages - copies.size();
    return new JobTally(
        messages, copies.size(), duplicates, lost.size(), unexpected.size(), copies);
  }

  @Override
  public String toString() {
    return "JobRequests="
        + messages
        + " distinct="
        + distinct
        + " duplicates="
        + duplicates
        + " lost="
        + lost
        + " unexpected="
        + unexpected;
  }
}
