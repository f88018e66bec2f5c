package dev.solstice.platform.amqp;

import com.rabbitmq.client.Address;
import dev.solstice.platform.config.EnvReader;
import dev.solstice.platform.config.Redaction;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The brokers an {@code AMQP_URL} names: one URL, or several nodes of one cluster separated by
 * commas. The first entry is a full {@code amqp://} or {@code amqps://} URL and gives the
 * credentials, virtual host and TLS for all; each further entry is either a URL with the same
 * scheme, user and virtual host, or a bare {@code host[:port]} as the RabbitMQ client's own {@link
 * Address#parseAddress(String)} reads it. The client is handed the whole list ({@code
 * ConnectionFactory.newConnection(List<Address>, name)}): it connects to the first node that
 * answers, in shuffled order, and its automatic recovery does the same when that node goes away.
 *
 * @param primary the first URL (credentials, virtual host, TLS)
 * @param addresses every node, the primary's first; port -1 means the scheme's default
 * @since issue 14
 */
public record BrokerAddresses(URI primary, List<Address> addresses) {

  public BrokerAddresses {
    Objects.requireNonNull(primary, "primary");
    addresses = List.copyOf(addresses);
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException("no broker address");
    }
  }

  /** One broker. */
  public static BrokerAddresses of(URI uri) {
    return new BrokerAddresses(uri, List.of(new Address(uri.getHost(), uri.getPort())));
  }

  /**
   * Reads {@code value}.
   *
   * @throws IllegalArgumentException saying what is wrong, without repeating a password
   */
  public static BrokerAddresses parse(String value) {
    List<String> entries = new ArrayList<>();
    for (String part : value.split(",")) {
      if (!part.isBlank()) {
        entries.add(part.strip());
      }
    }
    if (entries.isEmpty()) {
      throw new IllegalArgumentException("expected an amqp or amqps URL");
    }
    URI primary = url(entries.get(0));
    if (primary == null) {
      // The value is not repeated: one that does not parse might be a password.
      throw new IllegalArgumentException("expected an amqp or amqps URL with a host");
    }
    List<Address> addresses = new ArrayList<>();
    addresses.add(new Address(primary.getHost(), primary.getPort()));
    for (String entry : entries.subList(1, entries.size())) {
      addresses.add(entry.contains("://") ? sameBroker(primary, entry) : hostPort(entry));
    }
    return new BrokerAddresses(primary, addresses);
  }

  /**
   * {@code name} read with {@link #parse}; {@code fallback} when unset. A problem is recorded in
   * {@code in} (named after the variable) and the result is then null.
   */
  public static BrokerAddresses read(EnvReader in, String name, String fallback) {
    String value = in.string(name, fallback);
    if (value == null) {
      return null;
    }
    try {
      return parse(value);
    } catch (IllegalArgumentException e) {
      in.error(name + ": " + e.getMessage());
      return null;
    }
  }

  /** More than one node. */
  public boolean clustered() {
    return addresses.size() > 1;
  }

  /** Every node as {@code scheme://user:***@host:port/vhost}, comma-separated; safe to log. */
  public String redacted() {
    if (!clustered()) {
      return Redaction.password(primary.toString());
    }
    List<String> parts = new ArrayList<>();
    parts.add(Redaction.password(primary.toString()));
    for (Address a : addresses.subList(1, addresses.size())) {
      parts.add(a.getPort() < 0 ? a.getHost() : a.getHost() + ":" + a.getPort());
    }
    return String.join(",", parts);
  }

  @Override
  public String toString() {
    return redacted();
  }

  private static URI url(String entry) {
    try {
      URI uri = new URI(entry);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("amqp") || scheme.equals("amqps")) && uri.getHost() != null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // reported by the caller
    }
    return null;
  }

  private static Address sameBroker(URI primary, String entry) {
    URI other = url(entry);
    if (other == null) {
      throw new IllegalArgumentException(
          "expected an amqp or amqps URL with a host, got \"" + Redaction.userInfo(entry) + "\"");
    }
    if (!primary.getScheme().equalsIgnoreCase(other.getScheme())
        || !Objects.equals(primary.getRawUserInfo(), other.getRawUserInfo())
        || !Objects.equals(vhost(primary), vhost(other))) {
      throw new IllegalArgumentException(
          "the URLs of one cluster must share scheme, user and virtual host; \""
              + Redaction.userInfo(entry)
              + "\" differs from the first");
    }
    return new Address(other.getHost(), other.getPort());
  }

  private static String vhost(URI uri) {
    String path = uri.getRawPath();
    return path == null || path.isEmpty() || path.equals("/") ? "" : path;
  }

  private static Address hostPort(String entry) {
    try {
      Address a = Address.parseAddress(entry);
      if (a.getHost().isBlank() || a.getPort() == 0 || a.getPort() > 65535 || a.getPort() < -1) {
        throw new IllegalArgumentException("bad port");
      }
      return a;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "expected host[:port] or an amqp URL after the first URL, got \""
              + Redaction.userInfo(entry)
              + "\"");
    }
  }
}
