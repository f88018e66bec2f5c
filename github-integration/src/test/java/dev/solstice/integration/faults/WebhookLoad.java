package dev.solstice.integration.faults;

import static org.awaitility.Awaitility.await;

import dev.solstice.integration.webhook.SignatureVerifier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Sends signed webhook deliveries the way GitHub does (one POST each, 10 s patience), with bounded
 * concurrency, and keeps every answer: a delivery is "accepted" only on a 2xx; anything else (503,
 * a reset, a refused connection, a timeout) is what GitHub's redelivery would send again.
 */
final class WebhookLoad {

  /** One answer: status, or -1 when there was none (the error says why). */
  record Answer(int status, long millis, String error) {
    boolean accepted() {
      return status >= 200 && status < 300;
    }
  }

  final Map<String, List<Answer>> answers = new ConcurrentHashMap<>();
  final AtomicInteger accepted = new AtomicInteger();
  final AtomicInteger unavailable = new AtomicInteger();
  final AtomicInteger noAnswer = new AtomicInteger();
  final AtomicInteger other = new AtomicInteger();
  final AtomicLong slowest503 = new AtomicLong();
  final AtomicLong slowest = new AtomicLong();
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private final String secret;
  private final IntSupplier port;

  WebhookLoad(String secret, IntSupplier port) {
    this.secret = secret;
    this.port = port;
  }

  CompletableFuture<Answer> send(String event, String deliveryId, byte[] body) {
    long start = System.nanoTime();
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port.getAsInt() + "/webhooks/github"))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .header("X-GitHub-Event", event)
            .header("X-GitHub-Delivery", deliveryId)
            .header("X-Hub-Signature-256", SignatureVerifier.sign(secret, body))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    return client
        .sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .handle(
            (response, error) -> {
              long millis = (System.nanoTime() - start) / 1_000_000;
              Answer a =
                  response != null
                      ? new Answer(response.statusCode(), millis, null)
                      : new Answer(-1, millis, String.valueOf(error));
              answers
                  .computeIfAbsent(
                      deliveryId, k -> java.util.Collections.synchronizedList(new ArrayList<>()))
                  .add(a);
              slowest.accumulateAndGet(millis, Math::max);
              if (a.accepted()) {
                accepted.incrementAndGet();
              } else if (a.status() == 503) {
                unavailable.incrementAndGet();
                slowest503.accumulateAndGet(millis, Math::max);
              } else if (a.status() < 0) {
                noAnswer.incrementAndGet();
              } else {
                other.incrementAndGet();
              }
              return a;
            });
  }

  /**
   * Sends every delivery once, at most {@code concurrency} at a time; returns when all answered.
   */
  void sendAll(String event, List<String> ids, byte[] body, int concurrency)
      throws InterruptedException {
    sendAll(event, ids, body, concurrency, 0);
  }

  /**
   * As {@link #sendAll(String, List, byte[], int)}, starting at most {@code perSecond} requests a
   * second (0: no limit).
   */
  void sendAll(String event, List<String> ids, byte[] body, int concurrency, int perSecond)
      throws InterruptedException {
    Semaphore slots = new Semaphore(concurrency);
    if (perSecond <= 0) {
      for (String id : ids) {
        slots.acquire();
        send(event, id, body).whenComplete((a, e) -> slots.release());
      }
    } else {
      paced(
          ids,
          perSecond,
          id -> {
            slots.acquireUninterruptibly();
            send(event, id, body).whenComplete((a, e) -> slots.release());
          });
    }
    if (!slots.tryAcquire(concurrency, 60, TimeUnit.SECONDS)) {
      throw new AssertionError("requests still unanswered after 60 s");
    }
  }

  /**
   * Hands the ids to {@code start} one per tick of a fixed-rate timer, {@code perSecond} ticks a
   * second (a start that blocks on a free slot delays the following ticks, it does not bunch them).
   */
  private static void paced(List<String> ids, int perSecond, Consumer<String> start)
      throws InterruptedException {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    Iterator<String> next = ids.iterator();
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      timer.scheduleAtFixedRate(
          () -> {
            try {
              if (next.hasNext()) {
                start.accept(next.next());
              }
              if (!next.hasNext()) {
                done.complete(null);
              }
            } catch (RuntimeException e) {
              done.completeExceptionally(e);
              throw e;
            }
          },
          0,
          1_000_000_000L / perSecond,
          TimeUnit.NANOSECONDS);
      done.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("pacing failed", e.getCause());
    } finally {
      timer.shutdownNow();
    }
  }

  /** Deliveries whose last answer was not a 2xx. */
  List<String> notAccepted(List<String> ids) {
    return ids.stream()
        .filter(
            id -> {
              List<Answer> list = answers.get(id);
              return list == null || list.isEmpty() || !list.get(list.size() - 1).accepted();
            })
        .toList();
  }

  /**
   * Resends what was not accepted until everything is (as GitHub's redelivery would), a round every
   * 500 ms at most; how many rounds.
   */
  int resendUntilAccepted(
      String event, List<String> ids, byte[] body, int concurrency, Duration within) {
    AtomicInteger rounds = new AtomicInteger();
    if (notAccepted(ids).isEmpty()) {
      return 0;
    }
    try {
      await()
          .atMost(within)
          .pollDelay(Duration.ofMillis(500))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                sendAll(event, notAccepted(ids), body, concurrency);
                rounds.incrementAndGet();
                return notAccepted(ids).isEmpty();
              });
    } catch (ConditionTimeoutException e) {
      List<String> pending = notAccepted(ids);
      throw new AssertionError(
          pending.size()
              + " deliveries still not accepted after "
              + within
              + "; last answers e.g. "
              + (pending.isEmpty() ? "none" : answers.get(pending.get(0))),
          e);
    }
    return rounds.get();
  }

  int requests() {
    return answers.values().stream().mapToInt(List::size).sum();
  }

  String summary() {
    return "requests="
        + requests()
        + " 2xx="
        + accepted
        + " 503="
        + unavailable
        + " no-answer="
        + noAnswer
        + " other="
        + other
        + " slowest="
        + slowest
        + "ms slowest503="
        + slowest503
        + "ms";
  }
}
