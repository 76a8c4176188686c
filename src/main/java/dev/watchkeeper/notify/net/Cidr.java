package dev.watchkeeper.notify.net;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** An address range such as {@code 10.0.0.0/8} or {@code fc00::/7}; immutable. */
record Cidr(byte[] network, int prefix) {

  /**
   * Parses {@code a.b.c.d/n} or {@code v6/n} (a bare address is a /32 or /128). Only literal
   * addresses: a name here would be resolved, which is not what a range means.
   */
  static Cidr parse(String text) {
    String s = text.strip();
    int slash = s.indexOf('/');
    String addr = slash < 0 ? s : s.substring(0, slash);
    if (!addr.contains(":") && !addr.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      throw new IllegalArgumentException("not a CIDR range: \"" + text + "\"");
    }
    byte[] bytes;
    try {
      bytes = InetAddress.getByName(addr).getAddress(); // literal: no lookup
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not a CIDR range: \"" + text + "\"");
    }
    int bits = bytes.length * 8;
    int prefix;
    try {
      prefix = slash < 0 ? bits : Integer.parseInt(s.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a CIDR range: \"" + text + "\"");
    }
    if (prefix < 0 || prefix > bits) {
      throw new IllegalArgumentException("prefix out of range in \"" + text + "\"");
    }
    return new Cidr(bytes, prefix);
  }

  boolean contains(byte[] address) {
    if (address.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (address[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (address[full] & mask) == (network[full] & mask);
  }

  @Override
  public String toString() {
    try {
      return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
    } catch (UnknownHostException e) {
      return new BigInteger(1, network).toString(16) + "/" + prefix;
    }
  }
}
