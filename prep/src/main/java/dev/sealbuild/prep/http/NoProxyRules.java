package dev.sealbuild.prep.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The NO_PROXY list, as curl and Go read it: entries separated by commas (or spaces); {@code *}
 * matches every host; {@code example.com}, {@code .example.com} and {@code *.example.com} match
 * that domain and its subdomains; {@code host:port} and {@code [v6]:port} match one port only;
 * IP literals match exactly and {@code 10.0.0.0/8}-style CIDR ranges match IP literal hosts.
 * No name is ever resolved to decide.
 */
final class NoProxyRules {
  private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

  private record Rule(String host, byte[] network, int prefixBits, int port) {}

  private final boolean matchAll;
  private final List<Rule> rules;

  private NoProxyRules(boolean matchAll, List<Rule> rules) {
    this.matchAll = matchAll;
    this.rules = List.copyOf(rules);
  }

  static NoProxyRules none() {
    return new NoProxyRules(false, List.of());
  }

  static NoProxyRules parse(String value) {
    if (value == null) {
      return none();
    }
    boolean matchAll = false;
    List<Rule> rules = new ArrayList<>();
    for (String raw : value.split("[,\\s]+")) {
      String entry = raw.strip().toLowerCase(Locale.ROOT);
      if (entry.isEmpty()) {
        continue;
      }
      if (entry.equals("*")) {
        matchAll = true;
        continue;
      }
      Rule rule = parseEntry(entry);
      if (rule != null) {
        rules.add(rule);
      }
    }
    return new NoProxyRules(matchAll, rules);
  }

  /** True if a request to {@code host:port} must not go through the proxy. */
  boolean bypass(String host, int port) {
    if (matchAll) {
      return true;
    }
    String normalized = normalizeHost(host);
    byte[] address = ipLiteral(normalized);
    for (Rule rule : rules) {
      if (rule.port() != -1 && rule.port() != port) {
        continue;
      }
      if (rule.network() != null) {
        if (address != null && inNetwork(address, rule.network(), rule.prefixBits())) {
          return true;
        }
      } else if (matchesHost(normalized, address, rule.host())) {
        return true;
      }
    }
    return false;
  }

  private static Rule parseEntry(String entry) {
    int slash = entry.indexOf('/');
    if (slash >= 0) {
      byte[] network = ipLiteral(normalizeHost(entry.substring(0, slash)));
      String bits = entry.substring(slash + 1);
      if (network == null || !bits.matches("[0-9]{1,3}") || Integer.parseInt(bits) > network.length * 8) {
        return null; // not a usable range; ignored like curl does
      }
      return new Rule(null, network, Integer.parseInt(bits), -1);
    }
    String host = entry;
    int port = -1;
    if (entry.startsWith("[")) {
      int close = entry.indexOf(']');
      if (close < 0) {
        return null;
      }
      host = entry.substring(1, close);
      String rest = entry.substring(close + 1);
      if (rest.matches(":[0-9]{1,5}")) {
        port = Integer.parseInt(rest.substring(1));
      }
    } else if (entry.indexOf(':') >= 0 && entry.indexOf(':') == entry.lastIndexOf(':')) {
      int colon = entry.indexOf(':');
      String portText = entry.substring(colon + 1);
      if (!portText.matches("[0-9]{1,5}")) {
        return null;
      }
      host = entry.substring(0, colon);
      port = Integer.parseInt(portText);
    }
    if (host.startsWith("*.")) {
      host = host.substring(1);
    }
    host = normalizeHost(host);
    return host.isEmpty() || host.equals(".") ? null : new Rule(host, null, 0, port);
  }

  private static boolean matchesHost(String host, byte[] hostAddress, String ruleHost) {
    if (hostAddress != null) {
      byte[] ruleAddress = ipLiteral(ruleHost);
      if (ruleAddress != null) {
        return java.util.Arrays.equals(hostAddress, ruleAddress);
      }
    }
    String domain = ruleHost.startsWith(".") ? ruleHost.substring(1) : ruleHost;
    return host.equals(domain) || host.endsWith("." + domain);
  }

  private static String normalizeHost(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    while (h.endsWith(".") && h.length() > 1) {
      h = h.substring(0, h.length() - 1);
    }
    return h;
  }

  /** The bytes of an IP literal, or null for anything else (never a DNS lookup). */
  private static byte[] ipLiteral(String host) {
    if (!IPV4.matcher(host).matches() && !IPV6.matcher(host).matches()) {
      return null;
    }
    try {
      return InetAddress.getByName(host).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static boolean inNetwork(byte[] address, byte[] network, int prefixBits) {
    if (address.length != network.length) {
      return false;
    }
    for (int bit = 0; bit < prefixBits; bit++) {
      int mask = 0x80 >>> (bit % 8);
      if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) {
        return false;
      }
    }
    return true;
  }
}
