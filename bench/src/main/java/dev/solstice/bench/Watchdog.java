package dev.solstice.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A bound on one phase of the bench: when the phase has not finished within its time, every
 * thread's stack (with the locks held and waited for) goes to stderr and the phase's thread is
 * interrupted, so a wait that never ends fails the run with its cause in the log instead of holding
 * CI until its own limit.
 */
final class Watchdog implements AutoCloseable {

  private final ScheduledExecutorService timer;
  private final ScheduledFuture<?> alarm;

  private Watchdog(String phase, Duration limit, Thread owner) {
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "bench-watchdog");
              t.setDaemon(true);
              return t;
            });
    alarm =
        timer.schedule(
            () -> {
              BenchRun.log("%s did not finish within %s; threads:", phase, limit);
              System.err.println(threadDump());
              owner.interrupt();
            },
            limit.toMillis(),
            TimeUnit.MILLISECONDS);
  }

  /** Bounds what the calling thread does until {@link #close()}. */
  static Watchdog start(String phase, Duration limit) {
    return new Watchdog(phase, limit, Thread.currentThread());
  }

  static String threadDump() {
    StringBuilder out = new StringBuilder();
    for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
      out.append('"')
          .append(t.getThreadName())
          .append("\" ")
          .append(t.getThreadState())
          .append(t.getLockName() == null ? "" : " on " + t.getLockName())
          .append(t.getLockOwnerName() == null ? "" : " owned by \"" + t.getLockOwnerName() + '"')
          .append('\n');
      for (StackTraceElement frame : t.getStackTrace()) {
        out.append("    at ").append(frame).append('\n');
      }
      out.append('\n');
    }
    return out.toString();
  }

  @Override
  public void close() {
    alarm.cancel(false);
    timer.shutdownNow();
    Thread.interrupted(); // an alarm that fired just as the phase ended: not the next phase's
  }
}
