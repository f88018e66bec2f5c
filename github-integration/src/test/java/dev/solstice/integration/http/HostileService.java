package dev.solstice.integration.http;

import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.GetResponse;
import dev.solstice.integration.config.AppConfig;
import dev.solstice.integration.testing.BoundPort;
import dev.solstice.integration.testing.ServiceHarness;
import dev.solstice.integration.testing.ServiceProcess;
import dev.solstice.integration.testing.TestBroker;
import dev.solstice.integration.webhook.SignatureVerifier;
import dev.solstice.simulator.github.RecordedWebhooks;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged service as a process with the deployment's memory flags, on its own queues, and what
 * the hostile-traffic tests and the soak read from it: /metrics, RSS, and the deliveries that
 * became JobRequests.
 */
final class HostileService implements AutoCloseable {

  static final long MAX_HEAP = 576L * 1024 * 1024;

  final int port;
  private final int managementPort;
  final AppConfig config;
  final TestBroker broker;
  final ServiceProcess process;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final Set<String> deliveredIds = new HashSet<>();

  private HostileService(
      int port, int managementPort, AppConfig config, TestBroker broker, ServiceProcess process) {
    this.port = port;
    this.managementPort = managementPort;
    this.config = config;
    this.broker = broker;
    this.process = process;
  }

  static HostileService start(Map<String, String> overrides) throws Exception {
    Map<String, String> env = new HashMap<>(ServiceHarness.isolatedEnv(overrides));
    // Port 0: the service binds a free port and logs it (at INFO, so the log level stays INFO).
    env.put("HTTP_ADDR", BoundPort.ANY_LOOPBACK);
    env.put("MANAGEMENT_ADDR", BoundPort.ANY_LOOPBACK);
    AppConfig config = AppConfig.fromEnv(env, List.of());
    TestBroker broker = new TestBroker();
    broker.trackAll(config);
    ServiceProcess process = ServiceProcess.start(env, ServiceProcess.DEPLOYMENT_MEMORY_FLAGS);
    int port;
    int managementPort;
    try {
      port = process.awaitPort(Duration.ofSeconds(60));
      managementPort = process.awaitManagementPort(Duration.ofSeconds(60));
    } catch (AssertionError e) {
      process.close();
      broker.close();
      throw e;
    }
    HostileService service = new HostileService(port, managementPort, config, broker, process);
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                if (!process.isAlive()) {
                  throw new IllegalStateException("the service exited:\n" + process.output());
                }
                return service.status("/health/ready") == 200;
              });
    } catch (RuntimeException e) {
      service.close();
      throw e;
    }
    return service;
  }

  int status(String path) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /**
   * One signed push on a new connection, as GitHub delivers; its status, or -1 when the connection
   * failed. (A pooled keep-alive connection could be closed by the server's keep-alive timeout just
   * as it is reused.)
   */
  int push(String deliveryId) {
    byte[] body = RecordedWebhooks.payload("push.json");
    String head =
        "POST "
            + config.webhookPath()
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "X-GitHub-Event: push\r\nX-GitHub-Delivery: "
            + deliveryId
            + "\r\n"
            + SignatureVerifier.HEADER
            + ": "
            + SignatureVerifier.sign(ServiceHarness.SECRET, body)
            + "\r\n"
            + "Content-Length: "
            + body.length
            + "\r\nConnection: close\r\n\r\n";
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      s.setSoTimeout(10_000);
      s.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().write(body);
      s.getOutputStream().flush();
      byte[] status = s.getInputStream().readNBytes(12);
      return status.length == 12
          ? Integer.parseInt(new String(status, 9, 3, StandardCharsets.ISO_8859_1))
          : -1;
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  /** The /metrics text, or "" when it did not answer. */
  String metrics() {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/metrics"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /** The sum of a metric's samples whose labels contain {@code labels}; -1 when none. */
  static double sum(String metrics, String name, String labels) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{([^}]*)\\})? (\\S+)")
            .matcher(metrics);
    double sum = 0;
    boolean found = false;
    while (m.find()) {
      if ((m.group(1) == null ? "" : m.group(1)).contains(labels)) {
        sum += Double.parseDouble(m.group(2));
        found = true;
      }
    }
    return found ? sum : -1;
  }

  /** Heap in use now, from the service's own metrics; -1 when unreadable. */
  long heapUsed() {
    return (long) sum(metrics(), "jvm_memory_used_bytes", "area=\"heap\"");
  }

  /**
   * Refusals counted by the service for a reason (budget, size, timeout, connection_cap,
   * signature).
   */
  double refused(String reason) {
    return sum(metrics(), "solstice_http_refused_total", "reason=\"" + reason + "\"");
  }

  /** The service's resident set size in bytes (Linux), or -1. */
  long rssBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // gone
    }
    return -1;
  }

  /**
   * Every delivery id that has become a JobRequest so far (the jobs queue is drained into this
   * set).
   */
  synchronized Set<String> deliveredIds() throws IOException {
    for (GetResponse r : broker.drain(config.jobs().queue())) {
      Object id =
          r.getProps().getHeaders() == null
              ? null
              : r.getProps().getHeaders().get("x-github-delivery");
      if (id != null) {
        deliveredIds.add(id.toString());
      }
    }
    return Set.copyOf(deliveredIds);
  }

  @Override
  public void close() throws Exception {
    String keep = System.getProperty("solstice.keepServiceLog");
    if (keep != null) {
      Files.writeString(Path.of(keep), process.output());
    }
    try {
      process.close();
    } finally {
      broker.close();
    }
  }
}
