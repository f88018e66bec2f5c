package dev.solstice.bench;

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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM the bench starts as a separate process (the service, the bare server, PerfTest), so its
 * RSS, CPU time and start-up are its own. Always stopped by {@link #close()}, which BenchMain
 * reaches from a finally block and from a shutdown hook.
 */
record ChildJvm(String name, Process process, long startedNanos, Path log)
    implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  /**
   * Starts {@code java <jvmOpts> <args>} with exactly {@code env} (plus PATH/HOME/LANG), output to
   * {@code log}. A clean environment keeps a developer's REDIS_URL or GITHUB_TOKEN out of the run.
   */
  static ChildJvm start(
      String name, String jvmOpts, List<String> args, Map<String, String> env, Path log)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String o : jvmOpts.trim().split("\\s+")) {
      if (!o.isEmpty()) {
        cmd.add(o);
      }
    }
    cmd.addAll(args);
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> childEnv = pb.environment();
    childEnv.keySet().retainAll(List.of("PATH", "HOME", "LANG", "TMPDIR", "TZ"));
    childEnv.putAll(env);
    long t0 = System.nanoTime();
    Process p = pb.start();
    return new ChildJvm(name, p, t0, log);
  }

  /**
   * "listening on 127.0.0.1:41234": what the service (HttpVerticle) and BareServer print once
   * bound.
   */
  private static final Pattern LISTENING = Pattern.compile("listening on [^\\s\"]+:(\\d+)");

  /**
   * The port the child bound (started with port 0), read from its log every 10 ms: a port picked by
   * opening and closing a socket could be taken by another process before the child binds it.
   */
  int awaitPort(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name + " exited with " + process.exitValue() + " before it listened; see " + log);
      }
      Matcher m = LISTENING.matcher(Files.readString(log, StandardCharsets.UTF_8));
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
      Thread.sleep(10);
    }
    throw new IllegalStateException(name + " did not listen within " + timeout + "; see " + log);
  }

  /** Polls {@code url} every 10 ms until it answers 200; returns ms from process start to then. */
  double awaitReady(String url, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).GET().build();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name + " exited with " + process.exitValue() + " before it was ready; see " + log);
      }
      try {
        if (HTTP.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return (System.nanoTime() - startedNanos) / 1e6;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(10);
    }
    throw new IllegalStateException(name + " not ready within " + timeout + "; see " + log);
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Waits for a process that ends by itself (PerfTest); kills it after {@code timeout}. */
  int waitFor(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      close();
      throw new IllegalStateException(name + " did not finish within " + timeout + "; see " + log);
    }
    return process.exitValue();
  }

  /** SIGTERM (the service drains in-flight work), then SIGKILL after 15 s. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
