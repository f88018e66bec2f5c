package dev.solstice.platform.config;

import java.util.Optional;

/**
 * Where a listener binds: {@code host:port}, {@code [v6]:port}, or {@code :port} for every
 * interface; port 0 picks a free one.
 */
public record ListenAddress(String host, int port) {

  /** What {@link #parse} accepts, for error messages. */
  public static final String EXPECTED = "expected host:port with a port from 0 to 65535";

  /** The address {@code text} names, or empty when it names none; {@code :port} binds all. */
  public static Optional<ListenAddress> parse(String text) {
    return parse(text, "0.0.0.0");
  }

  /** The same, a bare {@code :port} binding {@code anyHost}. */
  public static Optional<ListenAddress> parse(String text, String anyHost) {
    int colon = text.lastIndexOf(':');
    try {
      String host =
          colon <= 0 ? anyHost : text.substring(0, colon).replace("[", "").replace("]", "");
      int port = Integer.parseInt(text.substring(colon + 1));
      return port < 0 || port > 65535
          ? Optional.empty()
          : Optional.of(new ListenAddress(host, port));
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      return Optional.empty();
    }
  }
}
