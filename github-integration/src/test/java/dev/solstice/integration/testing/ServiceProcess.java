package dev.solstice.integration.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * The service's runnable jar ({@code target/github-integration.jar}, built by {@code package}
 * before failsafe runs) started as a separate process with exactly the given environment; output
 * goes to a file the test can read.
 */
public final class ServiceProcess implements AutoCloseable {

  public static final Path JAR =
      Path.of(
          System.getProperty("solstice.root", ".."),
          "github-integration/target/github-integration.jar");

  /** What the Kubernetes deployment amounts to: a 768 MiB limit with -XX:MaxRAMPercentage=75. */
  public static final List<String> DEPLOYMENT_MEMORY_FLAGS =
      List.of("-Xmx576m", "-XX:+ExitOnOutOfMemoryError");

  private final Process process;
  private final Path output;

  private ServiceProcess(Process process, Path output) {
    this.process = process;
    this.output = output;
  }

  public static ServiceProcess start(Map<String, String> env, String... args) throws IOException {
    return start(env, List.of("-Xmx256m"), args);
  }

  /** With the given JVM flags, e.g. the deployment's {@link #DEPLOYMENT_MEMORY_FLAGS}. */
  public static ServiceProcess start(Map<String, String> env, List<String> jvmFlags, String... args)
      throws IOException {
    Path output = Files.createTempFile("solstice-service", ".log");
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new java.util.ArrayList<>(List.of(java));
    command.addAll(jvmFlags);
    command.addAll(List.of("-jar", JAR.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    pb.environment().clear();
    pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    pb.environment().putAll(env);
    return new ServiceProcess(pb.start(), output);
  }

  /**
   * The HTTP port the service bound, once it logged it (start it with {@code HTTP_ADDR} {@link
   * BoundPort#ANY_LOOPBACK}).
   *
   * @throws AssertionError if the process exits first
   */
  public int awaitPort(Duration within) {
    return awaitLogged(BoundPort::in, within);
  }

  /** The management port the service bound, once it logged it ({@code MANAGEMENT_ADDR} port 0). */
  public int awaitManagementPort(Duration within) {
    return awaitLogged(BoundPort::management, within);
  }

  private int awaitLogged(java.util.function.Function<String, OptionalInt> port, Duration within) {
    return await()
        .atMost(within)
        .until(
            () -> {
              if (!process.isAlive()) {
                throw new AssertionError(
                    "the service exited with " + process.exitValue() + ":\n" + output());
              }
              return port.apply(output());
            },
            OptionalInt::isPresent)
        .getAsInt();
  }

  /** Waits for the process to exit; its exit code. */
  public int waitFor(Duration timeout) throws InterruptedException, IOException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(
          "the service did not exit within " + timeout + "; output:\n" + output());
    }
    return process.exitValue();
  }

  public String output() throws IOException {
    return Files.readString(output, StandardCharsets.UTF_8);
  }

  public List<String> lines() throws IOException {
    return Files.readAllLines(output, StandardCharsets.UTF_8);
  }

  /** SIGTERM: the graceful stop. */
  public void terminate() {
    process.destroy();
  }

  /** SIGKILL. */
  public void kill() {
    process.destroyForcibly();
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() throws Exception {
    if (process.isAlive()) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    Files.deleteIfExists(output);
  }
}
