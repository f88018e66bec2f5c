package dev.solstice.integration.github;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The pacing arithmetic of one installation's write lane, kept pure for testing: given the starts
 * of the last hour and the end of the previous write, when may the next write start? Not
 * thread-safe; the lane holds its lock.
 */
final class WriteWindow {
  private static final long MINUTE = Duration.ofMinutes(1).toMillis();
  private static final long HOUR = Duration.ofHours(1).toMillis();

  private final PacingPolicy policy;
  private final ArrayDeque<Long> startsLastHour = new ArrayDeque<>();
  private long lastEnd = Long.MIN_VALUE;

  WriteWindow(PacingPolicy policy) {
    this.policy = policy;
  }

  /** Earliest start (epoch ms) at or after {@code now} that keeps every limit. */
  long earliestStart(long now) {
    while (!startsLastHour.isEmpty() && startsLastHour.peekFirst() <= now - HOUR) {
      startsLastHour.pollFirst();
    }
    long at = now;
    if (lastEnd != Long.MIN_VALUE) {
      // the gap GitHub asks for is between one write's answer and the next write
      at = Math.max(at, lastEnd + policy.minInterval().toMillis());
    }
    if (startsLastHour.size() >= policy.writesPerHour()) {
      at = Math.max(at, nthMostRecent(policy.writesPerHour()) + HOUR);
    }
    if (countSince(at - MINUTE) >= policy.writesPerMinute()) {
      at = Math.max(at, nthMostRecent(policy.writesPerMinute()) + MINUTE);
    }
    return at;
  }

  void started(long at) {
    startsLastHour.addLast(at);
  }

  void finished(long at) {
    lastEnd = at;
  }

  private int countSince(long since) {
    int n = 0;
    for (Iterator<Long> it = startsLastHour.descendingIterator(); it.hasNext(); ) {
      if (it.next() > since) {
        n++;
      } else {
        break;
      }
    }
    return n;
  }

  /** The n-th most recent start: the one whose leaving the window frees a slot. */
  private long nthMostRecent(int n) {
    Iterator<Long> it = startsLastHour.descendingIterator();
    long v = Long.MIN_VALUE;
    for (int i = 0; i < n && it.hasNext(); i++) {
      v = it.next();
    }
    return v;
  }
}
