package dev.watchkeeper.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * One request on the {@link IngestLane}: what the route reads (method, path parameters, query,
 * headers, the body) and its one answer. The answer may be sent from any thread (the commit
 * threads answer stored requests); the first answer wins, later ones are ignored.
 */
public final class LaneExchange {
  private final Request request;
  private final Response response;
  private final Callback callback;
  private final ObjectMapper mapper;
  private final List<String> params;
  private final String traceId;
  private final String requestId;
  private final IntConsumer done;
  /** Whether the route asked for the body (it then reads it on the request's thread). */
  private volatile boolean bodyOpened;
  private final AtomicBoolean answered = new AtomicBoolean();
  private Fields query;

  LaneExchange(Request request, Response response, Callback callback, ObjectMapper mapper,
      List<String> params, String traceId, String requestId, IntConsumer done) {
    this.request = request;
    this.response = response;
    this.callback = callback;
    this.mapper = mapper;
    this.params = params;
    this.traceId = traceId;
    this.requestId = requestId;
    this.done = done;
  }

  public String method() {
    return request.getMethod();
  }

  /** The {@code i}-th path parameter (0-based), or null when the path has fewer. */
  public String param(int i) {
    return i < params.size() ? params.get(i) : null;
  }

  public String query(String name) {
    if (query == null) {
      query = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
    }
    return query.getValue(name);
  }

  public String header(String name) {
    return request.getHeaders().get(name);
  }

  /** The names of the request headers (as sent). */
  public List<String> headerNames() {
    List<String> names = new ArrayList<>();
    for (HttpField f : request.getHeaders()) {
      names.add(f.getName());
    }
    return names;
  }

  public String contentType() {
    return header("Content-Type");
  }

  /** The declared body length, or -1 when it is not declared (chunked). */
  public long contentLength() {
    return request.getLength();
  }

  /** The request body as a blocking stream (read it on the request's thread). */
  public InputStream body() {
    bodyOpened = true;
    return Content.Source.asInputStream(request);
  }

  public String ip() {
    return Request.getRemoteAddr(request);
  }

  public String userAgent() {
    return header("User-Agent");
  }

  public String traceId() {
    return traceId;
  }

  public String requestId() {
    return requestId;
  }

  /** Sets a response header (before the answer). */
  public LaneExchange header(String name, String value) {
    response.getHeaders().put(name, value);
    return this;
  }

  public void plain(int status, String text) {
    send(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
  }

  public void json(int status, Object body) {
    try {
      send(status, "application/json", mapper.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("answer not serialisable", e);
    }
  }

  /** The JSON error answer every API gives ({@link HttpServer#errorBody}). */
  public void error(ApiException e) {
    if (e.retryAfterSeconds() != null) {
      header("Retry-After", Long.toString(e.retryAfterSeconds()));
    }
    json(e.status(), HttpServer.errorBody(e, requestId));
  }

  /** An empty answer. */
  public void status(int status) {
    send(status, null, null);
  }

  /**
   * Before the answer is committed: the part of the request body that was not read is dropped if
   * it has arrived; if some has not, the answer says {@code Connection: close}. Otherwise Jetty
   * would close the connection after an answer that promised to keep it (a 401 answered before a
   * client's separately written body arrived), and a client reusing it would find it closed.
   */
  private void discardUnreadBody() {
    while (true) {
      Content.Chunk chunk = request.read();
      if (chunk == null || Content.Chunk.isFailure(chunk)) {
        response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        return;
      }
      boolean last = chunk.isLast();
      chunk.release();
      if (last) {
        return;
      }
    }
  }

  private void send(int status, String contentType, byte[] body) {
    if (!answered.compareAndSet(false, true)) {
      return;
    }
    response.setStatus(status);
    if (contentType != null) {
      response.getHeaders().put("Content-Type", contentType);
    }
    byte[] bytes = body == null ? new byte[0] : body;
    response.getHeaders().put("Content-Length", Long.toString(bytes.length));
    if (!bodyOpened || status >= 400) {
      discardUnreadBody();
    }
    response.write(true, ByteBuffer.wrap(bytes), Callback.from(() -> {
      done.accept(status);
      callback.succeeded();
    }, x -> {
      done.accept(status);
      callback.failed(x);
    }));
  }
}
