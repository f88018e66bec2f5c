package dev.solstice.integration.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solstice.integration.core.JobState;
import dev.solstice.integration.core.RequestIds;
import dev.solstice.integration.workflow.Workflow;
import dev.solstice.jobrequest.JobRequest;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The single-replica run store keeps what a run needs, and no more runs than its bound. */
class InMemoryRunStoreTest {

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-12-08T00:00:00Z"), ZoneOffset.UTC);

  @Test
  void aRunIsFoundByItsJobsRequestIdsWithItsStates() {
    RunStore store = new RunStore.InMemory(CLOCK, Duration.ofDays(7), 10);
    UUID run = UUID.randomUUID();
    JobRequest build = job("d1", "build");
    store.save(run, List.of(build, job("d1", "test")));
    store.setState(run, "build", JobState.STARTED);

    assertThat(value(store.runOf(build.requestId()))).contains(run);
    assertThat(value(store.jobs(run))).containsOnlyKeys("build", "test");
    assertThat(value(store.states(run))).containsEntry("build", JobState.STARTED);
  }

  @Test
  void theOldestRunsGoOnceTheBoundIsReached() {
    RunStore store = new RunStore.InMemory(CLOCK, Duration.ofDays(7), 10);
    UUID first = UUID.randomUUID();
    JobRequest firstJob = job("d-first", "build");
    store.save(first, List.of(firstJob));
    for (int i = 0; i < 1_000; i++) {
      store.save(UUID.randomUUID(), List.of(job("d" + i, "build")));
    }

    assertThat(value(store.jobs(first))).isEmpty();
    UUID last = UUID.randomUUID();
    store.save(last, List.of(job("d-last", "build")));
    assertThat(value(store.jobs(last))).containsOnlyKeys("build");
  }

  private static <T> T value(Future<T> f) {
    assertThat(f.succeeded()).isTrue();
    return f.result();
  }

  private static JobRequest job(String delivery, String id) {
    return JobRequest.builder(
            RequestIds.of(delivery, id),
            "https://github.com/acme/w.git",
            "0123456789abcdef0123456789abcdef01234567",
            CLOCK.instant())
        .workflow(Workflow.PATH, id)
        .repository("acme/w")
        .installationId(1L)
        .event("push")
        .ref("refs/heads/main")
        .deliveryId(delivery)
        .needs(List.of())
        .script(List.of("make"))
        .build();
  }
}
