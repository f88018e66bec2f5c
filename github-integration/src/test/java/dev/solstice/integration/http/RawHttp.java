package dev.solstice.integration.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A blocking HTTP/1.1 client over a plain socket, for requests no well-behaved client would send.
 */
final class RawHttp implements AutoCloseable {

  record Response(int status, Map<String, String> headers, String body) {}

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private RawHttp(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  static RawHttp connect(int port) throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(10_000);
    return new RawHttp(socket);
  }

  RawHttp send(String text) throws IOException {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  RawHttp send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  /**
   * One response (status line, headers, Content-Length or chunked body), waiting up to {@code
   * within}.
   */
  Response read(Duration within) throws IOException {
    socket.setSoTimeout((int) within.toMillis());
    String status = line();
    if (status == null) {
      throw new IOException("closed before a response");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (String h = line(); h != null && !h.isEmpty(); h = line()) {
      int colon = h.indexOf(':');
      headers.put(
          h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (headers.containsKey("content-length")) {
      body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
    } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      for (int size = Integer.parseInt(line().trim(), 16);
          size > 0;
          size = Integer.parseInt(line().trim(), 16)) {
        body.write(in.readNBytes(size));
        line();
      }
      line();
    }
    return new Response(
        Integer.parseInt(status.split(" ")[1]), headers, body.toString(StandardCharsets.UTF_8));
  }

  /**
   * True when the server closed the connection within {@code within} (bytes it sends meanwhile are
   * dropped).
   */
  boolean closedWithin(Duration within) throws IOException {
    long deadline = System.nanoTime() + within.toNanos();
    byte[] sink = new byte[8192];
    while (System.nanoTime() < deadline) {
      socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      try {
        if (in.read(sink) < 0) {
          return true;
        }
      } catch (SocketTimeoutException e) {
        return false;
      } catch (SocketException e) {
        return true; // reset
      }
    }
    return false;
  }

  private String line() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b >= 0; b = in.read()) {
      if (b == '\n') {
        String s = line.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
