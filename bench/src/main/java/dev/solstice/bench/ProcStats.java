package dev.solstice.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Linux /proc readings: RSS and CPU time of a process, busy time of the whole machine. */
final class ProcStats {
  /** USER_HZ; 100 on every Linux this runs on (sysconf is not reachable from Java). */
  private static final double TICKS_PER_SECOND = 100.0;

  private ProcStats() {}

  /** Resident set size in bytes (VmRSS), or -1 when the process is gone. */
  static long rssBytes(long pid) {
    return statusKb(pid, "VmRSS:") * 1024;
  }

  /** Peak resident set size in bytes (VmHWM), or -1. */
  static long peakRssBytes(long pid) {
    return statusKb(pid, "VmHWM:") * 1024;
  }

  private static long statusKb(long pid, String key) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith(key)) {
          return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException gone) {
      // fall through
    }
    return -1;
  }

  /** User + system CPU seconds used so far by {@code pid}, or -1. */
  static double cpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // Fields after the command name, which is in parentheses and may hold spaces.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException gone) {
      return -1;
    }
  }

  /** {busy, total, irq + softirq} CPU seconds of the whole machine since boot (all cores). */
  static double[] machineCpuSeconds() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length && i <= 8; i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      long irq = Long.parseLong(f[6]) + Long.parseLong(f[7]);
      return new double[] {
        (total - idle) / TICKS_PER_SECOND, total / TICKS_PER_SECOND, irq / TICKS_PER_SECOND
      };
    } catch (IOException | RuntimeException e) {
      return new double[] {-1, -1, -1};
    }
  }

  /** The RabbitMQ node's Erlang VM (beam.smp), or -1 when not found. */
  static long brokerPid() {
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      List<Path> pids = procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList();
      for (Path p : pids) {
        try {
          // rabbitmqctl and friends run short-lived beam.smp VMs too; the node is the one booting
          // rabbit.
          if (Files.readString(p.resolve("comm")).trim().startsWith("beam.smp")
              && Files.readString(p.resolve("cmdline")).contains("-s\0rabbit\0boot")) {
            return Long.parseLong(p.getFileName().toString());
          }
        } catch (IOException | RuntimeException gone) {
          // raced with an exiting process
        }
      }
    } catch (IOException e) {
      // no /proc
    }
    return -1;
  }
}
