package dev.solstice.integration.http;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of request bodies that may be held in memory at once, across all requests. A request
 * reserves what it will hold before holding it (its {@code Content-Length}, or each chunk of a
 * chunked body) and releases it when its exchange ends, whatever the outcome. Thread-safe.
 */
public final class BodyBudget {

  private final long limit;
  private final AtomicLong used = new AtomicLong();

  public BodyBudget(long limit) {
    this.limit = limit;
  }

  /** Reserves {@code bytes} if that much is left; false (and nothing reserved) otherwise. */
  public boolean tryReserve(long bytes) {
    while (true) {
      long now = used.get();
      if (now + bytes > limit) {
        return false;
      }
      if (used.compareAndSet(now, now + bytes)) {
        return true;
      }
    }
  }

  public void release(long bytes) {
    used.addAndGet(-bytes);
  }

  /** Bytes reserved now. */
  public long used() {
    return used.get();
  }

  public long limit() {
    return limit;
  }
}
