package dev.watchkeeper.notify.net;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Links put into messages: only absolute http(s) URLs, so alert text cannot smuggle in others. */
public final class Links {

  private Links() {}

  /** The URL if it is an absolute http or https URL with a host; otherwise null (leave it out). */
  public static String httpOnly(String url) {
    if (url == null) {
      return null;
    }
    try {
      URI u = new URI(url);
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      return (scheme.equals("http") || scheme.equals("https")) && u.getHost() != null ? url : null;
    } catch (URISyntaxException e) {
      return null;
    }
  }
}
