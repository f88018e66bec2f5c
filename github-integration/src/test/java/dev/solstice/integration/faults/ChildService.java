package dev.solstice.integration.faults;

import static org.awaitility.Awaitility.await;

import dev.solstice.integration.testing.BoundPort;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The service's runnable jar as a separate process (built by {@code package}, before failsafe), its
 * output appended to one file across restarts so a test can read (and scan) everything it said.
 */
final class ChildService implements AutoCloseable {

  private final Map<String, String> env;
  private final Path output;
  private final List<Long> pids = new ArrayList<>();
  private Process process;

  /** Where this start's output begins in the file shared by every start. */
  private long startOffset;

  /**
   * The port the last start that became ready bound (-1 before): while a restart is under way
   * requests still go to the old port and are refused, as they would be by a service that is down.
   */
  private volatile int port = -1;

  ChildService(Map<String, String> env) throws IOException {
    this.env = new HashMap<>(env);
    // Each start binds a free port itself and logs it (a restart may get another one).
    this.env.put("HTTP_ADDR", BoundPort.ANY_LOOPBACK);
    this.env.put("MANAGEMENT_ADDR", BoundPort.ANY_LOOPBACK);
    this.env.put("LOG_FORMAT", "text");
    this.output = Files.createTempFile("solstice-child", ".log");
  }

  private static Path snapshot;

  /**
   * A private copy of the runnable jar, taken once per test JVM: another build in the same checkout
   * may rewrite target/github-integration.jar while a test restarts the service. Waits for a
   * complete jar (its main class and a dependency class readable).
   */
  static synchronized Path jar() throws IOException {
    if (snapshot != null) {
      return snapshot;
    }
    Path local = Path.of("target/github-integration.jar");
    Path built =
        Files.exists(local)
            ? local
            : Path.of(
                System.getProperty("solstice.root", ".."),
                "github-integration/target/github-integration.jar");
    try {
      snapshot =
          await()
              .atMost(Duration.ofSeconds(120))
              .pollInterval(Duration.ofSeconds(1))
              .until(() -> completeCopy(built), Optional::isPresent)
              .get();
    } catch (ConditionTimeoutException e) {
      throw new IOException("no complete " + built + " within 120 s", e);
    }
    return snapshot;
  }

  /** A copy of the jar if it is complete (being rewritten: empty, try again). */
  private static Optional<Path> completeCopy(Path built) throws IOException {
    Path copy = Files.createTempFile("github-integration", ".jar");
    copy.toFile().deleteOnExit();
    try {
      Files.copy(built, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      try (java.util.jar.JarFile jar = new java.util.jar.JarFile(copy.toFile())) {
        if (jar.getEntry("dev/solstice/integration/Main.class") != null
            && jar.getEntry("io/vertx/core/Vertx.class") != null
            && jar.getManifest() != null) {
          return Optional.of(copy);
        }
      }
    } catch (IOException e) {
      // being rewritten
    }
    Files.deleteIfExists(copy);
    return Optional.empty();
  }

  ChildService start() throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb =
        new ProcessBuilder(java, "-Xmx384m", "-XX:+UseSerialGC", "-jar", jar().toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
    pb.environment().clear();
    pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    pb.environment().putAll(env);
    startOffset = Files.size(output);
    process = pb.start();
    pids.add(process.pid());
    return this;
  }

  /** Waits for the port this start bound, then for {@code /health/ready} to answer 200 on it. */
  ChildService awaitReady(Duration within) throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    int bound;
    try {
      bound =
          await()
              .atMost(within)
              .pollInterval(Duration.ofMillis(100))
              .until(() -> BoundPort.in(outputOfThisStart()), OptionalInt::isPresent)
              .getAsInt();
      int listening = bound;
      await()
          .atMost(within)
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                assertAlive();
                try {
                  return client
                          .send(
                              HttpRequest.newBuilder(
                                      URI.create("http://127.0.0.1:" + listening + "/health/ready"))
                                  .timeout(Duration.ofSeconds(2))
                                  .build(),
                              HttpResponse.BodyHandlers.discarding())
                          .statusCode()
                      == 200;
                } catch (IOException e) {
                  return false; // not answering yet
                }
              });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("the service was not ready within " + within + ":\n" + output(), e);
    }
    port = bound;
    return this;
  }

  private String outputOfThisStart() throws IOException {
    assertAlive();
    byte[] all = Files.readAllBytes(output);
    int from = (int) Math.min(startOffset, all.length);
    return new String(all, from, all.length - from, StandardCharsets.UTF_8);
  }

  private void assertAlive() throws IOException {
    if (!process.isAlive()) {
      throw new AssertionError("the service exited with " + process.exitValue() + ":\n" + output());
    }
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  /** kill -9. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGTERM; the exit status. */
  int terminate(Duration within) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("no exit within " + within + " of SIGTERM");
    }
    return process.exitValue();
  }

  String output() throws IOException {
    return Files.readString(output, StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws Exception {
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    Files.deleteIfExists(output);
  }
}
