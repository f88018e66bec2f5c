package dev.solstice.integration.http;

import java.time.Duration;

/**
 * What the public endpoint grants one client and all of them together (issue 19; docs/runbook.md
 * "Hostile traffic").
 *
 * @param maxBufferedBodyBytes request bodies held in memory at once, across all requests; a request
 *     that would exceed it is answered 503 with {@code Retry-After}
 * @param headerTimeout longest time from a connection's opening to the end of its first request's
 *     headers
 * @param bodyTimeout longest time from the end of a request's headers to the last byte of its body
 * @param keepAliveTimeout longest time an idle keep-alive connection waits for its next request's
 *     headers
 * @param maxConnections open connections in all; beyond it a new connection is closed at once
 * @param maxConnectionsPerSource open connections from one source address; 0 for no limit
 */
public record HttpLimits(
    long maxBufferedBodyBytes,
    Duration headerTimeout,
    Duration bodyTimeout,
    Duration keepAliveTimeout,
    int maxConnections,
    int maxConnectionsPerSource) {

  /**
   * The share of the heap given to request bodies in flight when MAX_BUFFERED_BODY_BYTES is unset.
   */
  public static final double DEFAULT_HEAP_SHARE = 0.25;

  public static long defaultBufferedBodyBytes() {
    return (long) (Runtime.getRuntime().maxMemory() * DEFAULT_HEAP_SHARE);
  }
}
