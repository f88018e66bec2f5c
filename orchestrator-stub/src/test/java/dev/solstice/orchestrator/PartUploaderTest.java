package dev.solstice.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.waitAtMost;

import dev.solstice.jobrequest.JobRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A running job's log goes up in numbered parts of whole lines (docs/messages.md, Live logs). */
class PartUploaderTest {

  private static Vertx vertx;
  private static final Duration NEVER = Duration.ofHours(1);

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** Records every attempt; fails the attempts it is told to. */
  private static final class Recording implements LogStore {
    final List<String> attempts = new CopyOnWriteArrayList<>();
    final List<String> stored = new CopyOnWriteArrayList<>();
    final AtomicInteger failures = new AtomicInteger();

    @Override
    public Future<Void> prepare() {
      return Future.succeededFuture();
    }

    @Override
    public Future<String> upload(JobRequest request, String log) {
      return Future.succeededFuture(null);
    }

    @Override
    public Future<Void> uploadPart(JobRequest request, int number, String text) {
      attempts.add(number + ":" + text);
      if (failures.getAndDecrement() > 0) {
        return Future.failedFuture("503 Slow Down");
      }
      stored.add(number + ":" + text);
      return Future.succeededFuture();
    }

    @Override
    public void close() {}
  }

  private static JobRequest job() {
    return TestJobs.job(List.of("make"), Map.of());
  }

  @Test
  void everyFewLinesAPartOfWholeLinesNumberedFromOne() throws Exception {
    Recording store = new Recording();
    PartUploader parts = new PartUploader(vertx, store, job(), 2, NEVER, t -> t);
    parts.append("one\ntw");
    parts.append("o\nthr");
    waitAtMost(Duration.ofSeconds(10)).until(() -> store.stored.size() == 1);
    parts.append("ee\nfour\n");
    waitAtMost(Duration.ofSeconds(10)).until(() -> store.stored.size() == 2);
    assertThat(store.stored).containsExactly("1:one\ntwo\n", "2:three\nfour\n");
    parts.close().await(10, TimeUnit.SECONDS);
    parts.append("after the end\n\n\n");
    assertThat(parts.uploaded()).isEqualTo(2);
  }

  @Test
  void aFailedPartIsUploadedAgainWithTheSameNumberAndText() throws Exception {
    Recording store = new Recording();
    store.failures.set(1);
    PartUploader parts = new PartUploader(vertx, store, job(), 1, NEVER, t -> t);
    parts.append("a\n");
    waitAtMost(Duration.ofSeconds(10)).until(() -> store.attempts.size() == 1);
    // The next line triggers the retry of part 1 first, unchanged; then part 2 has the new line.
    waitAtMost(Duration.ofSeconds(10))
        .until(
            () -> {
              parts.append("");
              parts.flush();
              return store.stored.size() == 1;
            });
    parts.append("b\n");
    waitAtMost(Duration.ofSeconds(10)).until(() -> store.stored.size() == 2);
    assertThat(store.attempts).startsWith("1:a\n", "1:a\n");
    assertThat(store.stored).containsExactly("1:a\n", "2:b\n");
    parts.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void theIntervalSendsWhatIsNewAndMasksWholeLines() throws Exception {
    Recording store = new Recording();
    PartUploader parts =
        new PartUploader(
            vertx, store, job(), 1000, Duration.ofMillis(50), t -> t.replace("sjt_secret", "***"));
    parts.append("token sjt_sec");
    parts.append("ret here\nno line end yet");
    waitAtMost(Duration.ofSeconds(10)).until(() -> !store.stored.isEmpty());
    assertThat(store.stored).containsExactly("1:token *** here\n");
    parts.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aZeroIntervalUploadsNoParts() throws Exception {
    Recording store = new Recording();
    PartUploader parts = new PartUploader(vertx, store, job(), 1, Duration.ZERO, t -> t);
    parts.append("a\nb\n");
    parts.flush();
    parts.close().await(10, TimeUnit.SECONDS);
    assertThat(store.attempts).isEmpty();
  }
}
