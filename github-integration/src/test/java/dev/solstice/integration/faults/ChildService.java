package dev.solstice.integration.faults;

import java.io.IOException;
import java.net.ServerSocket;
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
import java.util.concurrent.TimeUnit;

/**
 * The service's runnable jar as a separate process (built by {@code package}, before failsafe),
 * its output appended to one file across restarts so a test can read (and scan) everything it said.
 */
final class ChildService implements AutoCloseable {

  private final Map<String, String> env;
  private final int port;
  private final Path output;
  private final List<Long> pids = new ArrayList<>();
  private Process process;

  ChildService(Map<String, String> env) throws IOException {
    this.port = freePort();
    this.env = new HashMap<>(env);
    this.env.put("HTTP_ADDR", "127.0.0.1:" + port);
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
    Path built = Files.exists(local) ? local
        : Path.of(System.getProperty("solstice.root", ".."), "github-integration/target/github-integration.jar");
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (true) {
      Path copy = Files.createTempFile("github-integration", ".jar");
      copy.toFile().deleteOnExit();
      try {
        Files.copy(built, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(copy.toFile())) {
          if (jar.getEntry("dev/solstice/integration/Main.class") != null
              && jar.getEntry("io/vertx/core/Vertx.class") != null && jar.getManifest() != null) {
            snapshot = copy;
            return copy;
          }
        }
      } catch (IOException e) {
        // being rewritten: try again
      }
      Files.deleteIfExists(copy);
      if (System.nanoTime() > deadline) {
        throw new IOException("no complete " + built + " within 120 s");
      }
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }
  }

  ChildService start() throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx384m", "-XX:+UseSerialGC", "-jar", jar().toString())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
    pb.environment().clear();
    pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    pb.environment().putAll(env);
    process = pb.start();
    pids.add(process.pid());
    return this;
  }

  /** Waits for {@code /health/ready} to answer 200. */
  ChildService awaitReady(Duration within) throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("the service exited with " + process.exitValue() + ":\n" + output());
      }
      try {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return this;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the service was not ready within " + within + ":\n" + output());
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

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
