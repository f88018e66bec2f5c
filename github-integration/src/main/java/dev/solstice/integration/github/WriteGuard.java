package dev.solstice.integration.github;

import io.vertx.core.Future;

/**
 * A condition on one write, checked when the write leaves its installation's write queue, right
 * before it is sent (not when it was queued): a check run's {@code in_progress} update is dropped
 * when its completion arrived while it waited (issue 14, two replicas).
 *
 * @since issue 14
 */
public interface WriteGuard {

  /** Whether the write may be sent now; when true, {@link #release()} follows the write. */
  Future<Boolean> acquire();

  /** After the write was sent (answered or failed); never called when acquire said false. */
  Future<Void> release();
}
