package dev.watchkeeper.web.ui;

import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.zip.GZIPOutputStream;

/**
 * The pages' static files, read from the classpath once at start: htmx from its WebJar and our
 * own {@code ui/app.js} and {@code ui/app.css}. Each is served under a name that changes when
 * its content does (htmx: its version; ours: a hash of the content), so browsers may keep them
 * for a year ({@code immutable}) and a new release is fetched at once. Served gzipped to clients
 * that accept it (compressed once, here). Immutable after construction; thread-safe.
 */
public final class Assets {
  static final String PREFIX = "/assets/";
  static final String CACHE_FOREVER = "public, max-age=31536000, immutable";
  private static final String HTMX_POM =
      "META-INF/maven/org.webjars.npm/htmx.org/pom.properties";

  /** The URLs pages link to. */
  public record Urls(String htmx, String js, String css) {}

  private record Asset(String contentType, byte[] plain, byte[] gzipped) {}

  private final Map<String, Asset> byName = new LinkedHashMap<>();
  private final Urls urls;

  Assets() {
    String htmxVersion = htmxVersion();
    String htmx = add("htmx-" + htmxVersion + ".min.js", "text/javascript; charset=utf-8",
        read("META-INF/resources/webjars/htmx.org/" + htmxVersion + "/dist/htmx.min.js"));
    byte[] js = read("ui/app.js");
    String app = add("app-" + hash(js) + ".js", "text/javascript; charset=utf-8", js);
    byte[] css = read("ui/app.css");
    String style = add("app-" + hash(css) + ".css", "text/css; charset=utf-8", css);
    this.urls = new Urls(PREFIX + htmx, PREFIX + app, PREFIX + style);
  }

  Urls urls() {
    return urls;
  }

  /** Total size of the assets as sent to a browser that accepts gzip (page weight). */
  long gzippedBytes() {
    return byName.values().stream().mapToLong(a -> a.gzipped().length).sum();
  }

  /** {@code GET /assets/{file}}: the file, or 404. */
  void serve(Context ctx) {
    Asset a = byName.get(ctx.pathParam("file"));
    if (a == null) {
      throw dev.watchkeeper.web.ApiException.notFound("no such asset: asset names change with"
          + " every release; reload the page");
    }
    ctx.header("Cache-Control", CACHE_FOREVER);
    ctx.header("Vary", "Accept-Encoding");
    ctx.contentType(a.contentType());
    String accept = ctx.header("Accept-Encoding");
    if (accept != null && accept.contains("gzip")) {
      ctx.header("Content-Encoding", "gzip");
      ctx.result(a.gzipped());
    } else {
      ctx.result(a.plain());
    }
  }

  private String add(String name, String type, byte[] bytes) {
    byName.put(name, new Asset(type, bytes, gzip(bytes)));
    return name;
  }

  private static String htmxVersion() {
    Properties p = new Properties();
    try (InputStream in = resource(HTMX_POM)) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p.getProperty("version");
  }

  private static byte[] read(String path) {
    try (InputStream in = resource(path)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + path + " failed", e);
    }
  }

  private static InputStream resource(String path) {
    InputStream in = Assets.class.getClassLoader().getResourceAsStream(path);
    if (in == null) {
      throw new IllegalStateException(path + " is missing from the classpath (a broken build)");
    }
    return in;
  }

  private static String hash(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))
          .substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
