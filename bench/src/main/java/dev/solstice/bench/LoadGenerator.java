package dev.solstice.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends signed push webhooks over HTTP/1.1 keep-alive connections, three ways: a closed loop (N
 * requests always in flight: the HTTP maximum), an end-to-end loop (N deliveries in flight until
 * their JobRequests arrived: the sustained maximum) and an open loop at a fixed rate (latency
 * measured from when each request was due, so a stall is not hidden by the requests it delayed).
 */
final class LoadGenerator implements AutoCloseable {
  private final Vertx vertx;
  private final Context context;
  private final HttpClientAgent client;
  private final int port;
  private final String path;
  private final List<WebhookCorpus.Signed> bodies;
  private final DeliveryTracker tracker;
  private final AtomicLong next = new AtomicLong();
  private final boolean expectJobRequests;

  /** Set when the run is interrupted: loops stop instead of sending on a closed client. */
  private volatile boolean closed;

  /**
   * @param expectJobRequests false for the bare server: nothing to match, so nothing is tracked
   */
  LoadGenerator(
      Vertx vertx,
      int port,
      String path,
      List<WebhookCorpus.Signed> bodies,
      DeliveryTracker tracker,
      int connections,
      boolean expectJobRequests) {
    this.vertx = vertx;
    this.expectJobRequests = expectJobRequests;
    this.context = vertx.getOrCreateContext();
    this.port = port;
    this.path = path;
    this.bodies = bodies;
    this.tracker = tracker;
    // Requests beyond the pool wait in the client; at a fixed rate that wait is part of the
    // latency.
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
            new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
  }

  /** Keeps {@code concurrency} requests in flight for {@code duration}; counts 2xx answers. */
  PhaseStats closedLoop(String name, Duration duration, int concurrency)
      throws InterruptedException {
    Window window = open(name, duration);
    CountDownLatch done = new CountDownLatch(concurrency);
    for (int i = 0; i < concurrency; i++) {
      context.runOnContext(v -> loop(window.stats(), window.end(), done));
    }
    awaitWindow(window.stats(), window.end());
    done.await(duration.toSeconds() + 60, TimeUnit.SECONDS);
    return window.stats();
  }

  /** A load phase's figures and its measured window, in {@link System#nanoTime()}. */
  private record Window(PhaseStats stats, long start, long end) {}

  /** Starts tracking a phase's deliveries and opens its window now, for {@code duration}. */
  private Window open(String name, Duration duration) {
    PhaseStats stats = new PhaseStats(name);
    tracker.begin(stats, p -> {});
    long start = System.nanoTime();
    stats.openWindow(start);
    return new Window(stats, start, start + duration.toNanos());
  }

  private void loop(PhaseStats stats, long end, CountDownLatch done) {
    long now = System.nanoTime();
    if (now >= end || closed) {
      done.countDown();
      return;
    }
    send(stats, now).onComplete(ar -> loop(stats, end, done));
  }

  /**
   * Keeps {@code window} deliveries in flight from request to their last JobRequest: the highest
   * rate the whole pipeline (HTTP, intake queue, GitHub calls, JobRequest publishing) sustains
   * without a growing backlog.
   */
  PhaseStats endToEndLoop(String name, Duration duration, int window) throws InterruptedException {
    PhaseStats stats = new PhaseStats(name);
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    AtomicInteger inFlight = new AtomicInteger();
    Runnable refill =
        () ->
            context.runOnContext(
                v -> {
                  while (System.nanoTime() < end && inFlight.get() < window) {
                    inFlight.incrementAndGet();
                    send(stats, System.nanoTime())
                        .onComplete(
                            ar -> {
                              if (ar.failed() || ar.result() / 100 != 2) {
                                inFlight.decrementAndGet(); // no JobRequest will come for it
                              }
                            });
                  }
                });
    tracker.begin(
        stats,
        phase -> {
          if (phase == stats) {
            inFlight.decrementAndGet();
            refill.run();
          }
        });
    stats.openWindow(start);
    refill.run();
    // A delivery that never completes would shrink the window; top it up every 100 ms anyway.
    long timer = vertx.setPeriodic(100, id -> refill.run());
    awaitWindow(stats, end);
    vertx.cancelTimer(timer);
    return stats;
  }

  /**
   * Sends at {@code perSecond} for {@code duration}, each request measured from when it was due.
   */
  PhaseStats fixedRate(String name, Duration duration, double perSecond)
      throws InterruptedException {
    Window window = open(name, duration);
    PhaseStats stats = window.stats();
    long start = window.start();
    long end = window.end();
    double interval = 1e9 / perSecond;
    AtomicLong issued = new AtomicLong();
    // A 1 ms tick sends every request that has come due, at its due time, even if the previous
    // ones are still waiting: the schedule never waits for the server.
    long timer =
        vertx.setPeriodic(
            1,
            id -> {
              long now = System.nanoTime();
              while (true) {
                long due = start + (long) (issued.get() * interval);
                if (due > now || due >= end) {
                  break;
                }
                issued.incrementAndGet();
                send(stats, due);
              }
            });
    awaitWindow(stats, end);
    vertx.cancelTimer(timer);
    return stats;
  }

  private void awaitWindow(PhaseStats stats, long end) throws InterruptedException {
    long left;
    while ((left = end - System.nanoTime()) > 0) {
      TimeUnit.NANOSECONDS.sleep(Math.min(left, 200_000_000L));
    }
    stats.closeWindow(System.nanoTime());
  }

  /**
   * Sends {@code body} once and waits until its JobRequests arrived: the GitHub API economy runs
   * count the simulator's calls around exactly one delivery.
   */
  PhaseStats once(String name, WebhookCorpus.Signed body, Duration timeout)
      throws InterruptedException {
    PhaseStats stats = new PhaseStats(name);
    CountDownLatch complete = new CountDownLatch(1);
    tracker.begin(stats, p -> complete.countDown());
    stats.openWindow(System.nanoTime());
    context.runOnContext(
        v ->
            send(stats, System.nanoTime(), body)
                .onComplete(
                    ar -> {
                      if (ar.failed() || ar.result() / 100 != 2) {
                        complete.countDown();
                      }
                    }));
    complete.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    stats.closeWindow(System.nanoTime());
    return stats;
  }

  private Future<Integer> send(PhaseStats stats, long intended) {
    return send(stats, intended, bodies.get((int) (next.getAndIncrement() % bodies.size())));
  }

  /** One webhook; completes with the status code, or fails on an I/O error. */
  private Future<Integer> send(PhaseStats stats, long intended, WebhookCorpus.Signed body) {
    if (closed) {
      return Future.failedFuture("load generator closed");
    }
    String deliveryId =
        expectJobRequests ? tracker.newDelivery(stats, intended) : UUID.randomUUID().toString();
    MultiMap headers =
        MultiMap.caseInsensitiveMultiMap()
            .add("Content-Type", "application/json")
            .add("User-Agent", "GitHub-Hookshot/solstice-bench")
            .add("X-GitHub-Event", "push")
            .add("X-GitHub-Delivery", deliveryId)
            .add("X-GitHub-Hook-ID", "1")
            .add("X-Hub-Signature-256", body.signature());
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setHost("127.0.0.1")
            .setPort(port)
            .setURI(path)
            .setHeaders(headers)
            .setIdleTimeout(60_000);
    stats.sent.increment();
    long[] sentAt = new long[1];
    return client
        .request(options)
        .compose(
            req -> {
              sentAt[0] = System.nanoTime();
              return req.send(body.body());
            })
        .compose(resp -> resp.body().map(b -> resp.statusCode()))
        .andThen(
            ar -> {
              long now = System.nanoTime();
              if (ar.failed()) {
                stats.failed.increment();
                stats.error(ar.cause().toString());
                tracker.abandon(deliveryId);
              } else if (ar.result() / 100 == 2) {
                stats.accepted.increment();
                if (stats.inWindow(now)) {
                  stats.acceptedInWindow.increment();
                }
                PhaseStats.record(stats.httpFromIntended, intended, now);
                PhaseStats.record(stats.httpFromSent, sentAt[0] == 0 ? intended : sentAt[0], now);
              } else {
                stats.rejected.increment();
                stats.error("HTTP " + ar.result());
                tracker.abandon(deliveryId);
              }
            });
  }

  @Override
  public void close() throws Exception {
    closed = true;
    client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
