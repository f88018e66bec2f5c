package dev.solstice.bench;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RabbitMQ's PerfTest (com.rabbitmq:perf-test, shaded into the bench jar) in its own JVM: one
 * producer publishing persistent messages the size of the webhook body to a durable queue with
 * publisher confirms (at most {@code concurrency} unconfirmed, like the service's in-flight
 * requests), one consumer acking them, as the service's intake consumer does.
 */
final class PerfTestRunner {
  private static final Pattern RATE = Pattern.compile("(sending|receiving) rate avg: (\\d+) msg/s");
  private static final Pattern LATENCY =
      Pattern.compile(
          "(consumer|confirm) latency min/median/75th/95th/99th (\\d+)/(\\d+)/(\\d+)/(\\d+)/(\\d+) µs");

  private PerfTestRunner() {}

  static List<String> arguments(
      BenchOptions o, BenchTopology topology, int messageBytes, int seconds) {
    return List.of(
        "-cp",
        o.benchJar().toString(),
        "com.rabbitmq.perf.PerfTest",
        "-h",
        o.amqpUrl(),
        "-x",
        "1",
        "-y",
        "1",
        "-s",
        Integer.toString(messageBytes),
        "-f",
        "persistent",
        "-c",
        Integer.toString(o.concurrency()),
        "-z",
        Integer.toString(seconds),
        "-e",
        topology.perfTestQueue(),
        "-u",
        topology.perfTestQueue(),
        "-k",
        "perftest",
        "-ad",
        "true",
        "-d",
        "solstice-bench");
  }

  /** Runs PerfTest to the end and parses its summary. */
  static JsonObject run(
      BenchOptions o,
      BenchTopology topology,
      int messageBytes,
      int seconds,
      Path log,
      long brokerPid)
      throws Exception {
    List<String> args = arguments(o, topology, messageBytes, seconds);
    try (ChildJvm jvm = ChildJvm.start("PerfTest", o.jvmOpts(), args, Map.of(), log)) {
      CpuSnapshot before = CpuSnapshot.take(jvm.pid(), brokerPid);
      int exit = jvm.waitFor(Duration.ofSeconds(seconds + 60L));
      CpuSnapshot after = CpuSnapshot.take(-1, brokerPid);
      String out = Files.readString(log);
      JsonObject result =
          parse(out)
              .put("exit_code", exit)
              .put("command", "java " + o.jvmOpts() + " " + String.join(" ", args))
              .put("message_bytes", messageBytes)
              .put("seconds", seconds);
      // PerfTest's own CPU is gone with its process; the broker's and the machine's remain useful.
      JsonObject cpu = before.coresUsedUntil(after);
      cpu.remove("target_cores");
      cpu.remove("other_processes_cores");
      cpu.remove("kernel_irq_cores");
      return result.put("cpu", cpu);
    }
  }

  static JsonObject parse(String out) {
    JsonObject r = new JsonObject();
    Matcher m = RATE.matcher(out);
    while (m.find()) {
      r.put(m.group(1) + "_rate_per_second", Long.parseLong(m.group(2)));
    }
    Matcher l = LATENCY.matcher(out);
    while (l.find()) {
      r.put(
          l.group(1) + "_latency_ms",
          new JsonObject()
              .put("min", us(l.group(2)))
              .put("p50", us(l.group(3)))
              .put("p75", us(l.group(4)))
              .put("p95", us(l.group(5)))
              .put("p99", us(l.group(6))));
    }
    return r;
  }

  private static double us(String micros) {
    return Math.round(Long.parseLong(micros) / 10.0) / 100.0;
  }
}
