package dev.watchkeeper.notify.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SsrfGuardTest {

  private final SsrfGuard strict = SsrfGuard.strict();
  private final SsrfGuard allowLoopbackOne = new SsrfGuard(List.of("127.0.0.1/32"));

  @ParameterizedTest
  @ValueSource(strings = {
      "http://127.0.0.1/",
      "http://127.255.255.254:8080/",
      "http://localhost/",
      "http://[::1]/",
      "http://10.0.0.1/",
      "http://172.16.5.4/",
      "http://172.31.255.255/",
      "http://192.168.1.1/",
      "http://169.254.169.254/latest/meta-data/",
      "http://169.254.0.1/",
      "http://[fe80::1]/",
      "http://[fc00::1]/",
      "http://[fd12:3456::1]/",
      "http://100.64.0.1/",
      "http://100.127.255.255/",
      "http://0.0.0.0/",
      "http://0.1.2.3/",
      "http://[::]/",
      "http://[::ffff:127.0.0.1]/",
      "http://[::ffff:a9fe:a9fe]/",
      "http://[::ffff:10.0.0.1]/",
      "http://[0:0:0:0:0:ffff:c0a8:0101]/",
      "http://[::127.0.0.1]/",
      "http://[64:ff9b::7f00:1]/",
      "http://[2002:a00:1::]/",
      "http://224.0.0.1/",
      "http://239.255.255.250/",
      "http://[ff02::1]/",
      "http://255.255.255.255/",
      "http://2130706433/",
      "http://0177.0.0.1/",
      "http://0x7f.1/",
      "http://0x7f000001/",
      "http://127.1/",
      "http://017700000001/",
      "https://[::1]:8443/",
      "ftp://example.com/",
      "file:///etc/passwd",
      "gopher://example.com/",
      "http:///no-host",
      "jar:http://example.com!/x",
  })
  void refusesPrivateSpecialAndOddlySpelledTargets(String url) {
    SsrfGuard.Verdict v = strict.check(URI.create(url));
    assertInstanceOf(SsrfGuard.Verdict.Refused.class, v, url);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "http://93.184.215.14/",
      "https://1.1.1.1/dns-query",
      "http://[2606:4700:4700::1111]/",
      "HTTPS://8.8.8.8:8443/x",
  })
  void allowsPublicAddresses(String url) {
    assertInstanceOf(SsrfGuard.Verdict.Allowed.class, strict.check(URI.create(url)), url);
  }

  @Test
  void allowListLetsOnlyTheListedRangeThrough() {
    assertInstanceOf(SsrfGuard.Verdict.Allowed.class,
        allowLoopbackOne.check(URI.create("http://127.0.0.1:9/hook")));
    assertInstanceOf(SsrfGuard.Verdict.Allowed.class,
        allowLoopbackOne.check(URI.create("http://[::ffff:127.0.0.1]:9/hook")));
    assertInstanceOf(SsrfGuard.Verdict.Refused.class,
        allowLoopbackOne.check(URI.create("http://127.0.0.2/")));
    assertInstanceOf(SsrfGuard.Verdict.Refused.class,
        allowLoopbackOne.check(URI.create("http://10.0.0.1/")));
    assertInstanceOf(SsrfGuard.Verdict.Refused.class,
        allowLoopbackOne.check(URI.create("http://2130706433/")));
    SsrfGuard lan = new SsrfGuard(List.of("10.1.0.0/16", "fd00::/8"));
    assertInstanceOf(SsrfGuard.Verdict.Allowed.class, lan.check(URI.create("http://10.1.2.3/")));
    assertInstanceOf(SsrfGuard.Verdict.Refused.class, lan.check(URI.create("http://10.2.0.1/")));
    assertInstanceOf(SsrfGuard.Verdict.Allowed.class, lan.check(URI.create("http://[fd00::5]/")));
  }

  @Test
  void refusalNamesSchemeAndHostButNeverPathOrQuery() {
    var v = (SsrfGuard.Verdict.Refused) strict.check(
        URI.create("http://10.0.0.7:8080/hooks/T000/B000/s3cr3t?token=s3cr3t"));
    assertEquals("refused http://10.0.0.7:8080: resolves to private (RFC 1918) address 10.0.0.7",
        v.reason());
    assertFalse(v.reason().contains("s3cr3t"));
  }

  @Test
  void reportsEveryMalformedAllowListEntryWithItsIndex() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> new SsrfGuard(List.of("127.0.0.1/32", "localhost", "10.0.0.0/33")));
    assertEquals("notifications.allow_private_networks[1]: not a CIDR range: \"localhost\"\n"
        + "notifications.allow_private_networks[2]: prefix out of range in \"10.0.0.0/33\"",
        e.getMessage());
  }

  @Test
  void cidrMatchesOnPrefixBitsOnly() {
    Cidr c = Cidr.parse("100.64.0.0/10");
    assertTrue(c.contains(new byte[] {100, 127, (byte) 255, (byte) 255}));
    assertFalse(c.contains(new byte[] {100, (byte) 128, 0, 0}));
  }
}
