package dev.solstice.simulator.github;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * GitHub's secondary limit on content-creating requests, which GitHub enforces and documents as "no
 * more than 80 content-generating requests per minute" per installation: off until {@link
 * GitHubSimulator#secondaryWriteLimit} turns it on. Counts each installation's writes (token mints
 * excepted) over a sliding window; one more inside it is answered 403 with GitHub's secondary-limit
 * message and a {@code retry-after}. The window may be set a little shorter than a minute so that
 * network jitter between a paced client's start times and their arrival here is not counted against
 * the client; GitHub does not publish its own accounting.
 */
public final class SecondaryWriteLimit {
  private final int perWindow;
  private final Duration window;
  private final Map<Long, ArrayDeque<Instant>> accepted = new HashMap<>();
  private long refused;

  public SecondaryWriteLimit(int perWindow, Duration window) {
    this.perWindow = perWindow;
    this.window = window;
  }

  /** Counts a write of the installation at {@code now}; false when it exceeds the limit. */
  public synchronized boolean admit(long installationId, Instant now) {
    ArrayDeque<Instant> starts = accepted.computeIfAbsent(installationId, k -> new ArrayDeque<>());
    Instant since = now.minus(window);
    while (!starts.isEmpty() && !starts.peekFirst().isAfter(since)) {
      starts.pollFirst();
    }
    if (starts.size() >= perWindow) {
      refused++;
      return false;
    }
    starts.addLast(now);
    return true;
  }

  /** Writes refused so far, all installations. */
  public synchronized long refused() {
    return refused;
  }

  /** Seconds a refused client is asked to wait. */
  long retryAfterSeconds() {
    return Math.max(1, window.toSeconds());
  }
}
