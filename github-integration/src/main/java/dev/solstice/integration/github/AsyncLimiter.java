package dev.solstice.integration.github;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.function.Supplier;

/** Runs at most {@code permits} asynchronous tasks at once; the rest wait in FIFO order. */
final class AsyncLimiter {
  private final int permits;
  private int running;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();

  AsyncLimiter(int permits) {
    this.permits = permits;
  }

  <T> Future<T> run(Supplier<Future<T>> task) {
    Promise<T> promise = Promise.promise();
    Runnable start =
        () ->
            attempt(task)
                .onComplete(
                    ar -> {
                      release();
                      promise.handle(ar);
                    });
    boolean now;
    synchronized (this) {
      now = running < permits;
      if (now) {
        running++;
      } else {
        waiting.add(start);
      }
    }
    if (now) {
      start.run();
    }
    return promise.future();
  }

  /** Tasks started or waiting to start. */
  synchronized int pending() {
    return running + waiting.size();
  }

  /** The task's future, or a failed one if starting it threw. */
  static <T> Future<T> attempt(Supplier<Future<T>> task) {
    try {
      return task.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private void release() {
    Runnable next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) {
        running--;
      }
    }
    if (next != null) {
      next.run();
    }
  }
}
