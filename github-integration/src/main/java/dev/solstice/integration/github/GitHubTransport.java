package dev.solstice.integration.github;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;

/**
 * One HTTP exchange with GitHub, nothing more: no retries, no auth, no classification. Behind an
 * interface so tests can substitute the wire.
 */
public interface GitHubTransport {

  /**
   * @param headers must not be logged: they carry the Authorization header
   */
  record Request(HttpMethod method, String url, MultiMap headers, Buffer body, Duration timeout) {
    @Override
    public String toString() {
      return method + " " + url; // headers and body deliberately left out
    }
  }

  record Response(int status, MultiMap headers, Buffer body) {
    public String header(String name) {
      return headers.get(name);
    }
  }

  /** Sends the request; fails (with the transport's exception) when no response arrives. */
  Future<Response> send(Request request);

  void close();
}
