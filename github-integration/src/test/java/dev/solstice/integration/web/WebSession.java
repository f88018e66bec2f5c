package dev.solstice.integration.web;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A browser without a browser: follows nothing by itself and keeps cookies by name (Secure ones
 * too, over http://127.0.0.1, as Chromium does for a loopback address).
 */
final class WebSession {

  final Map<String, String> cookies = new LinkedHashMap<>();
  private final HttpClient http =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(url)).GET(), url);
  }

  HttpResponse<String> post(String url, Map<String, String> form, String origin)
      throws IOException, InterruptedException {
    String body =
        form.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (origin != null) {
      b.header("Origin", origin);
    }
    return send(b, url);
  }

  /** GETs {@code url} and follows redirects (to any host), keeping cookies of {@code ours}. */
  HttpResponse<String> follow(String url) throws IOException, InterruptedException {
    HttpResponse<String> r = get(url);
    for (int i = 0; i < 10 && r.statusCode() / 100 == 3; i++) {
      r = get(URI.create(url).resolve(r.headers().firstValue("location").orElseThrow()).toString());
      url = r.uri().toString();
    }
    return r;
  }

  private HttpResponse<String> send(HttpRequest.Builder b, String url)
      throws IOException, InterruptedException {
    if (!cookies.isEmpty()) {
      b.header(
          "Cookie",
          cookies.entrySet().stream()
              .map(e -> e.getKey() + "=" + e.getValue())
              .collect(Collectors.joining("; ")));
    }
    HttpResponse<String> r =
        http.send(b.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    for (String c : r.headers().allValues("set-cookie")) {
      String pair = c.split(";", 2)[0];
      int eq = pair.indexOf('=');
      String name = pair.substring(0, eq).trim();
      String value = pair.substring(eq + 1).trim();
      if (value.isEmpty() || c.toLowerCase().contains("max-age=0")) {
        cookies.remove(name);
      } else {
        cookies.put(name, value);
      }
    }
    return r;
  }

  static String location(HttpResponse<String> r) {
    return r.headers().firstValue("location").orElse(null);
  }
}
