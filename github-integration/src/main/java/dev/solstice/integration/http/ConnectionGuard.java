package dev.solstice.integration.http;

import dev.solstice.integration.http.HttpRefusals.Reason;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What {@code HttpServerOptions} does not offer: caps on open connections (in all and per source
 * address), and deadlines for a connection's phases. Its idle timeout only closes a connection that
 * sends nothing at all; one byte every few seconds keeps it open forever. Here:
 *
 * <ul>
 *   <li>a new connection must complete its first request's headers within the header timeout;
 *   <li>a request's body must have arrived within the body timeout of its headers (else 408 if the
 *       answer has not started, and closed: this also ends a body shorter than its Content-Length);
 *   <li>after an answer, the next request's headers must arrive within the keep-alive timeout.
 * </ul>
 *
 * Over a cap, a new connection is closed at once, before anything is read. One periodic sweep
 * checks the deadlines, so a connection lives at most a timeout plus one sweep period (a quarter of
 * the shortest timeout, at most a second). While the service works on a request (its body read, its
 * answer pending) no deadline applies: that wait is bounded by the service itself.
 */
final class ConnectionGuard {

  private final Vertx vertx;
  private final HttpLimits limits;
  private final HttpRefusals refusals;
  private final Map<HttpConnection, Tracked> open = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> perSource = new ConcurrentHashMap<>();
  private long sweeper = -1;

  /** One open connection: the request it is on (null between requests), and since when. */
  private static final class Tracked {
    final String source;
    final AtomicInteger fromSource;
    volatile HttpServerRequest current;
    volatile long phaseStartedNanos;
    volatile boolean answeredOne;
    volatile boolean closing;

    Tracked(String source, AtomicInteger fromSource, long now) {
      this.source = source;
      this.fromSource = fromSource;
      this.phaseStartedNanos = now;
    }
  }

  ConnectionGuard(Vertx vertx, HttpLimits limits, HttpRefusals refusals) {
    this.vertx = vertx;
    this.limits = limits;
    this.refusals = refusals;
  }

  void start() {
    long shortest =
        Math.min(
            limits.headerTimeout().toMillis(),
            Math.min(limits.bodyTimeout().toMillis(), limits.keepAliveTimeout().toMillis()));
    sweeper = vertx.setPeriodic(Math.max(50, Math.min(1000, shortest / 4)), id -> sweep());
  }

  void stop() {
    if (sweeper >= 0) {
      vertx.cancelTimer(sweeper);
    }
  }

  int openConnections() {
    return open.size();
  }

  /**
   * The source a connection is counted against: the TCP peer. Seam for TRUSTED_PROXIES (not yet a
   * setting): behind a proxy every connection comes from the proxy's address, and the client's own
   * address is only known once a request's X-Forwarded-For has been read, too late for a connection
   * cap.
   */
  static String sourceOf(HttpConnection connection) {
    return connection.remoteAddress() == null
        ? "unknown"
        : connection.remoteAddress().hostAddress();
  }

  /**
   * Closes at once. {@code HttpConnection.close()} is a graceful shutdown without a deadline: while
   * a request body is still due (the very case of a slow client) it would wait for it forever.
   */
  static void closeNow(HttpConnection connection) {
    connection.shutdown(1, TimeUnit.MILLISECONDS);
  }

  void onConnection(HttpConnection connection) {
    String source = sourceOf(connection);
    AtomicInteger fromSource = perSource.computeIfAbsent(source, k -> new AtomicInteger());
    int sourceCount = fromSource.incrementAndGet();
    if (open.size() >= limits.maxConnections()
        || (limits.maxConnectionsPerSource() > 0
            && sourceCount > limits.maxConnectionsPerSource())) {
      release(source, fromSource);
      refusals.refused(Reason.CONNECTION_CAP);
      closeNow(connection);
      return;
    }
    open.put(connection, new Tracked(source, fromSource, System.nanoTime()));
    connection.closeHandler(
        v -> {
          Tracked t = open.remove(connection);
          if (t != null) {
            release(t.source, t.fromSource);
          }
        });
  }

  private void release(String source, AtomicInteger fromSource) {
    if (fromSource.decrementAndGet() <= 0) {
      perSource.remove(source, fromSource);
    }
  }

  /** A request's headers are complete. */
  void onRequest(HttpServerRequest request) {
    Tracked t = open.get(request.connection());
    if (t != null) {
      t.current = request;
      t.phaseStartedNanos = System.nanoTime();
    }
  }

  private void sweep() {
    long now = System.nanoTime();
    open.forEach(
        (connection, t) -> {
          HttpServerRequest request = t.current;
          long elapsedMillis = (now - t.phaseStartedNanos) / 1_000_000;
          if (t.closing) {
            if (elapsedMillis > 1000) { // the 408 could not be written out: close anyway
              closeNow(connection);
            }
          } else if (request == null) {
            long limit =
                (t.answeredOne ? limits.keepAliveTimeout() : limits.headerTimeout()).toMillis();
            if (elapsedMillis > limit) {
              timeOut(connection, t);
            }
          } else if (!request.isEnded()) {
            if (elapsedMillis > limits.bodyTimeout().toMillis()) {
              HttpServerResponse response = request.response();
              if (!response.headWritten() && !response.ended()) {
                // Counted before the answer goes out: a client that sees the 408 sees it counted.
                refusals.refused(Reason.TIMEOUT);
                response
                    .setStatusCode(408)
                    .putHeader("Connection", "close")
                    .putHeader("Content-Type", "application/json")
                    .end(
                        "{\"error\":\"request body not received within "
                            + limits.bodyTimeout().toMillis()
                            + " ms\"}")
                    .onComplete(v -> closeNow(connection));
                t.closing = true;
                t.phaseStartedNanos = now;
              } else {
                timeOut(connection, t);
              }
            }
          } else if (request.response().ended()) {
            t.current = null;
            t.answeredOne = true;
            t.phaseStartedNanos = now;
          }
        });
  }

  private void timeOut(HttpConnection connection, Tracked t) {
    refusals.refused(Reason.TIMEOUT);
    open.remove(connection);
    release(t.source, t.fromSource);
    closeNow(connection);
  }
}
