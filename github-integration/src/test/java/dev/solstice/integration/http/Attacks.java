package dev.solstice.integration.http;

import dev.solstice.integration.webhook.SignatureVerifier;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** What an attacker sends the public endpoint, as issue 19 describes it. */
final class Attacks {

  private Attacks() {}

  /** A well-formed signature that matches nothing. */
  static final String WRONG_SIGNATURE = "sha256=" + "ab".repeat(32);

  /**
   * {@code n} concurrent POSTs of {@code body} with a wrong signature, each on its own socket; the
   * outcomes by answer ("401", "503", or "closed" when the server closed before answering).
   */
  static Map<String, Integer> bigBodies(int port, String path, int n, byte[] body)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<String>> outcomes = new java.util.ArrayList<>();
      for (int i = 0; i < n; i++) {
        outcomes.add(pool.submit(() -> bigBody(port, path, body)));
      }
      Map<String, Integer> tally = new java.util.TreeMap<>();
      for (Future<String> f : outcomes) {
        tally.merge(f.get(), 1, Integer::sum);
      }
      return tally;
    } finally {
      pool.shutdownNow();
    }
  }

  static String bigBody(int port, String path, byte[] body) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(60_000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("POST "
                  + path
                  + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-GitHub-Event: push\r\n"
                  + "X-GitHub-Delivery: attack\r\n"
                  + SignatureVerifier.HEADER
                  + ": "
                  + WRONG_SIGNATURE
                  + "\r\n"
                  + "Content-Length: "
                  + body.length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      for (int off = 0; off < body.length; off += 65536) {
        out.write(body, off, Math.min(65536, body.length - off));
      }
      out.flush();
      InputStream in = s.getInputStream();
      byte[] head = in.readNBytes(12);
      return head.length == 12 ? new String(head, 9, 3, StandardCharsets.ISO_8859_1) : "closed";
    } catch (IOException e) {
      return "closed";
    }
  }

  /** What a slow connection does once open. */
  enum Slowness {
    /** Complete headers with a Content-Length, then the body one byte per tick. */
    BODY,
    /** A header line that never ends, one byte per tick. */
    HEADERS
  }

  /**
   * Keeps {@code n} slow connections open (re-opening each one the server closes) until stopped,
   * sending each one byte per {@code tick}: often enough that an idle timeout never fires.
   */
  static final class SlowConnections {

    private final NetClient client;
    private final Vertx vertx;
    private final int port;
    private final String path;
    private final Slowness slowness;
    private final Set<NetSocket> open = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final boolean reopen;
    private final AtomicInteger failedConnects = new AtomicInteger();

    /** Each closed connection: when it was opened (System.nanoTime) and how long it lived (ms). */
    record Closed(long openedNanos, long lifetimeMillis) {}

    final List<Closed> closed = new CopyOnWriteArrayList<>();
    private final long ticker;

    /**
     * {@code reopen}: open a new connection in place of each one the server closes (a sustained
     * attack).
     */
    SlowConnections(
        Vertx vertx,
        int port,
        String path,
        int n,
        Slowness slowness,
        Duration tick,
        boolean reopen) {
      this.vertx = vertx;
      this.running.set(true);
      this.reopen = reopen;
      this.client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(20_000));
      this.port = port;
      this.path = path;
      this.slowness = slowness;
      // 100 every 100 ms: thousands of SYNs in one instant would overflow the accept backlog, a
      // different attack (the kernel's to absorb) from the slow connections this one is.
      AtomicInteger toOpen = new AtomicInteger(n);
      vertx.setPeriodic(
          1,
          100,
          id -> {
            for (int i = 0; i < 100 && toOpen.getAndDecrement() > 0; i++) {
              connect();
            }
            if (toOpen.get() <= 0) {
              vertx.cancelTimer(id);
            }
          });
      ticker =
          vertx.setPeriodic(
              tick.toMillis(),
              id -> open.forEach(s -> s.write(slowness == Slowness.BODY ? "{" : "a")));
    }

    private void connect() {
      if (!running.get()) {
        return;
      }
      client
          .connect(port, "127.0.0.1")
          .onSuccess(
              socket -> {
                long opened = System.nanoTime();
                open.add(socket);
                socket.handler(b -> {});
                socket.closeHandler(
                    v -> {
                      open.remove(socket);
                      closed.add(new Closed(opened, (System.nanoTime() - opened) / 1_000_000));
                      if (reopen) {
                        connect();
                      }
                    });
                socket.write(
                    slowness == Slowness.BODY
                        ? "POST "
                            + path
                            + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-GitHub-Event: push\r\n"
                            + "X-GitHub-Delivery: slow\r\n"
                            + SignatureVerifier.HEADER
                            + ": "
                            + WRONG_SIGNATURE
                            + "\r\n"
                            + "Content-Length: 1000\r\n\r\n"
                        : "POST " + path + " HTTP/1.1\r\nHost: x\r\nX-Slow: a");
              })
          .onFailure(
              e -> {
                failedConnects.incrementAndGet();
                if (running.get()) {
                  vertx.setTimer(100, id -> connect());
                }
              });
    }

    /**
     * The longest lifetime of the connections opened after {@code sinceNanos}, and how many there
     * were.
     */
    long[] longestSince(long sinceNanos) {
      long[] out = new long[2];
      for (Closed c : closed) {
        if (c.openedNanos() >= sinceNanos) {
          out[0] = Math.max(out[0], c.lifetimeMillis());
          out[1]++;
        }
      }
      return out;
    }

    int open() {
      return open.size();
    }

    int failedConnects() {
      return failedConnects.get();
    }

    /** Stops re-opening; the open ones keep dribbling until the server closes them. */
    void stopReopening() {
      running.set(false);
    }

    void close() {
      running.set(false);
      vertx.cancelTimer(ticker);
      open.forEach(NetSocket::close);
      client.close();
    }
  }

  /**
   * Sends raw bytes on a new connection; what came back before the server closed (or {@code within}
   * passed).
   */
  static String raw(int port, byte[] request, Duration within) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout((int) within.toMillis());
      try {
        s.getOutputStream().write(request);
        s.getOutputStream().flush();
      } catch (IOException e) {
        // closed while we were still writing: read what it said
      }
      java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
      try {
        byte[] buf = new byte[8192];
        for (int n = s.getInputStream().read(buf); n >= 0; n = s.getInputStream().read(buf)) {
          got.write(buf, 0, n);
        }
      } catch (java.net.SocketTimeoutException e) {
        return got.toString(StandardCharsets.ISO_8859_1) + "\n[still open after " + within + "]";
      } catch (IOException e) {
        // reset
      }
      return got.toString(StandardCharsets.ISO_8859_1);
    }
  }
}
