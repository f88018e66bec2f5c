package dev.solstice.integration.http;

import io.vertx.core.http.HttpServerRequest;
import java.net.InetAddress;
import java.util.List;

/**
 * The address a request comes from: the TCP peer, unless that peer is one of {@code
 * TRUSTED_PROXIES}; then the {@code X-Forwarded-For} chain read from the right, skipping the
 * trusted proxies, up to the first address they did not send (the one the last trusted proxy saw).
 * Entries left of it are whatever the client wrote and are never believed; a client that connects
 * directly cannot choose its address by sending the header.
 */
public final class ClientAddress {

  public static final String HEADER = "X-Forwarded-For";

  private final Cidrs trustedProxies;

  public ClientAddress(Cidrs trustedProxies) {
    this.trustedProxies = trustedProxies;
  }

  /** The client's address; null when the peer is unknown or not an IP address. */
  public InetAddress of(HttpServerRequest request) {
    InetAddress peer =
        request.remoteAddress() == null
            ? null
            : Cidrs.literal(request.remoteAddress().hostAddress());
    if (peer == null || !trustedProxies.contains(peer)) {
      return peer;
    }
    List<String> headers = request.headers().getAll(HEADER);
    String[] hops = String.join(",", headers).split(",");
    InetAddress client = peer;
    for (int i = hops.length - 1; i >= 0; i--) {
      if (hops[i].isBlank()) {
        continue;
      }
      InetAddress hop = Cidrs.literal(hops[i]);
      if (hop == null) {
        return client; // not an address: stop at the last hop a trusted proxy vouched for
      }
      client = hop;
      if (!trustedProxies.contains(hop)) {
        return hop;
      }
    }
    return client;
  }

  /** {@link #of} as text, {@code unknown} when there is none: the rate limiter's key. */
  public String keyOf(HttpServerRequest request) {
    InetAddress a = of(request);
    return a == null ? "unknown" : a.getHostAddress();
  }
}
