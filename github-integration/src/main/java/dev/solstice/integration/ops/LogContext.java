package dev.solstice.integration.ops;

import org.slf4j.MDC;

/**
 * Puts the facts of a delivery into the MDC for the log lines written inside {@code log}. Vert.x
 * continuations run long after the code that started them, on a thread shared by every delivery, so
 * the MDC cannot simply be set once per delivery: each log site names what it is about.
 */
public final class LogContext {

  private LogContext() {}

  public static void with(String deliveryId, String event, String repository, Runnable log) {
    try (var a = MDC.putCloseable("delivery_id", deliveryId);
        var b = MDC.putCloseable("event", event);
        var c = MDC.putCloseable("repository", repository)) {
      log.run();
    }
  }
}
