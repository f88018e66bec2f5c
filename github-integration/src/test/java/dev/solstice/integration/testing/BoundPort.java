package dev.solstice.integration.testing;

import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The port a child service bound when started with {@code HTTP_ADDR=127.0.0.1:0}, read from the
 * line HttpVerticle logs once it listens ({@code listening on <host>:<port>, webhooks at <path>}),
 * in JSON or text logs alike. Picking a port by opening and closing a socket races with every other
 * process on the machine; letting the service bind port 0 does not.
 */
public final class BoundPort {

  /** HTTP_ADDR asking the service to bind any free port of the loopback interface. */
  public static final String ANY_LOOPBACK = "127.0.0.1:0";

  private static final Pattern LISTENING =
      Pattern.compile("listening on [^\\s\"]+:(\\d+), webhooks at ");

  private static final Pattern MANAGEMENT =
      Pattern.compile("management listening on [^\\s\"]+:(\\d+) ");

  private BoundPort() {}

  /** The port of the last {@code listening on} line in {@code output}, if there is one. */
  public static OptionalInt in(String output) {
    return last(LISTENING, output);
  }

  /** The management listener's port ({@code MANAGEMENT_ADDR} port 0), once logged. */
  public static OptionalInt management(String output) {
    return last(MANAGEMENT, output);
  }

  private static OptionalInt last(Pattern pattern, String output) {
    Matcher m = pattern.matcher(output);
    OptionalInt port = OptionalInt.empty();
    while (m.find()) {
      port = OptionalInt.of(Integer.parseInt(m.group(1)));
    }
    return port;
  }
}
