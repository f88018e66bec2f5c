package dev.solstice.bench;

import io.vertx.core.json.JsonObject;

/**
 * CPU seconds used so far by the service, the broker, this bench JVM and the machine as a whole.
 * The difference of two snapshots says who used the two cores during a phase, including other
 * people's work on a shared machine (machine busy minus the three processes and interrupt time).
 */
record CpuSnapshot(
    long nanos,
    double service,
    double broker,
    double bench,
    double machineBusy,
    double machineTotal,
    double machineIrq) {

  static CpuSnapshot take(long servicePid, long brokerPid) {
    double[] m = ProcStats.machineCpuSeconds();
    return new CpuSnapshot(
        System.nanoTime(),
        servicePid > 0 ? ProcStats.cpuSeconds(servicePid) : 0,
        brokerPid > 0 ? ProcStats.cpuSeconds(brokerPid) : 0,
        ProcStats.cpuSeconds(ProcessHandle.current().pid()),
        m[0],
        m[1],
        m[2]);
  }

  /** Shares of one core (1.0 = one core busy) between {@code this} (start) and {@code end}. */
  JsonObject coresUsedUntil(CpuSnapshot end) {
    double wall = (end.nanos - nanos) / 1e9;
    double svc = (end.service - service) / wall;
    double brk = (end.broker - broker) / wall;
    double bch = (end.bench - bench) / wall;
    double busy = (end.machineBusy - machineBusy) / wall;
    // Interrupt and softirq time (loopback TCP, disk completions) belongs to no process in /proc.
    double irq = (end.machineIrq - machineIrq) / wall;
    int cores = Runtime.getRuntime().availableProcessors();
    return new JsonObject()
        .put("wall_seconds", round(wall))
        .put("target_cores", round(svc))
        .put("broker_cores", round(brk))
        .put("bench_cores", round(bch))
        .put("machine_busy_cores", round(busy))
        .put("kernel_irq_cores", round(irq))
        .put("other_processes_cores", round(Math.max(0, busy - svc - brk - bch - irq)))
        .put("cores", cores);
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
