package dev.solstice.integration.http;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A set of address ranges in CIDR notation ({@code 10.0.0.0/8}, {@code 2001:db8::/32}; a bare
 * address is its own range), matched with Netty's {@link IpSubnetFilterRule}. Addresses are parsed
 * as literals only ({@link NetUtil}), never resolved, so a header cannot make the service look a
 * name up.
 */
public final class Cidrs {

  /** No ranges: matches nothing. */
  public static final Cidrs NONE = new Cidrs(List.of(), List.of());

  private final List<String> texts;
  private final List<IpSubnetFilterRule> rules;

  private Cidrs(List<String> texts, List<IpSubnetFilterRule> rules) {
    this.texts = List.copyOf(texts);
    this.rules = List.copyOf(rules);
  }

  /**
   * Parses each range.
   *
   * @throws IllegalArgumentException naming the first entry that is not a CIDR range or address
   */
  public static Cidrs parse(List<String> ranges) {
    List<IpSubnetFilterRule> rules = new ArrayList<>(ranges.size());
    for (String range : ranges) {
      rules.add(rule(range.trim()));
    }
    return new Cidrs(ranges, rules);
  }

  private static IpSubnetFilterRule rule(String range) {
    int slash = range.indexOf('/');
    String address = slash < 0 ? range : range.substring(0, slash);
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
    if (bytes == null) {
      throw new IllegalArgumentException(
          "\"" + range + "\" is not an address or CIDR range (e.g. 10.0.0.0/8, 2001:db8::/32)");
    }
    int max = bytes.length * 8;
    int prefix;
    try {
      prefix = slash < 0 ? max : Integer.parseInt(range.substring(slash + 1));
    } catch (NumberFormatException e) {
      prefix = -1;
    }
    if (prefix < 0 || prefix > max) {
      throw new IllegalArgumentException(
          "\"" + range + "\": the prefix length must be from 0 to " + max);
    }
    return new IpSubnetFilterRule(address, prefix, IpFilterRuleType.ACCEPT);
  }

  /** The parsed literal address, or null when {@code text} is not an IP address literal. */
  public static InetAddress literal(String text) {
    if (text == null) {
      return null;
    }
    String t = text.trim();
    if (t.startsWith("[") && t.contains("]")) {
      t = t.substring(1, t.indexOf(']')); // [v6]:port
    } else if (t.indexOf(':') > 0 && t.indexOf(':') == t.lastIndexOf(':')) {
      t = t.substring(0, t.indexOf(':')); // v4:port
    }
    return NetUtil.createInetAddressFromIpAddressString(t);
  }

  public boolean isEmpty() {
    return rules.isEmpty();
  }

  /** Whether {@code address} lies in one of the ranges; false for null. */
  public boolean contains(InetAddress address) {
    if (address == null) {
      return false;
    }
    InetSocketAddress socket = new InetSocketAddress(address, 0);
    for (IpSubnetFilterRule r : rules) {
      if (r.matches(socket)) {
        return true;
      }
    }
    return false;
  }

  /** These ranges and {@code other}'s. */
  public Cidrs plus(Cidrs other) {
    List<String> t = new ArrayList<>(texts);
    t.addAll(other.texts);
    List<IpSubnetFilterRule> r = new ArrayList<>(rules);
    r.addAll(other.rules);
    return new Cidrs(t, r);
  }

  public int size() {
    return rules.size();
  }

  @Override
  public String toString() {
    return String.join(",", texts);
  }
}
