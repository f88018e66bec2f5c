package dev.solstice.bench;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** What the figures were measured on: cores, CPU model, memory, JVM, broker version, load. */
final class MachineInfo {
  private MachineInfo() {}

  static JsonObject describe() {
    JsonObject o = new JsonObject();
    o.put("nproc", Runtime.getRuntime().availableProcessors());
    o.put("cpu_model", firstValue(Path.of("/proc/cpuinfo"), "model name"));
    o.put("memory", firstValue(Path.of("/proc/meminfo"), "MemTotal"));
    o.put("kernel", run("uname", "-sr"));
    o.put(
        "java_version",
        run(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version"));
    o.put("rabbitmq_version", run("rabbitmqctl", "version"));
    o.put("load_average_at_start", read(Path.of("/proc/loadavg")));
    return o;
  }

  /** The commit the jars were built from, "-dirty" when the working tree had changes. */
  static String sourceRevision() {
    String rev = run("git", "describe", "--always", "--dirty");
    return rev.contains("\n") || rev.startsWith("unavailable") || rev.startsWith("fatal")
        ? null
        : rev;
  }

  static String loadAverage() {
    return read(Path.of("/proc/loadavg"));
  }

  private static String firstValue(Path file, String key) {
    try {
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith(key)) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (Exception e) {
      // not Linux
    }
    return "unknown";
  }

  private static String read(Path file) {
    try {
      return Files.readString(file).trim();
    } catch (Exception e) {
      return "unknown";
    }
  }

  private static String run(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      p.waitFor(30, TimeUnit.SECONDS);
      return out;
    } catch (Exception e) {
      return "unavailable (" + e.getMessage() + ")";
    }
  }
}
