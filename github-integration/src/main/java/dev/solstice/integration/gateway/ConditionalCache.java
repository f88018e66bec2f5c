package dev.solstice.integration.gateway;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * GitHub's GET answers with their ETag, so a repeat goes upstream as a conditional request and a
 * 304 (free against the rate limit) is answered from here. Keyed by the credential's scope
 * (installation, repository, permission set), the URL and {@code Accept}: an answer is only ever
 * served to a job whose token could read it itself. In memory, least recently used first out; not
 * shared across replicas yet.
 */
final class ConditionalCache {

  /** A cached answer: GitHub's headers (hop-by-hop ones removed), body and ETag. */
  record Entry(String etag, MultiMap headers, Buffer body) {}

  /** Larger answers are passed through without being cached. */
  static final int MAX_BODY_BYTES = 1024 * 1024;

  private final Map<String, Entry> entries;

  ConditionalCache(int maxEntries) {
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > maxEntries;
          }
        };
  }

  static String key(
      long installationId,
      String repository,
      Map<String, String> permissions,
      String url,
      String accept) {
    return installationId
        + "|"
        + repository.toLowerCase(java.util.Locale.ROOT)
        + "|"
        + new TreeMap<>(permissions)
        + "|"
        + url
        + "|"
        + (accept == null ? "" : accept);
  }

  synchronized Entry get(String key) {
    return entries.get(key);
  }

  synchronized void put(String key, Entry entry) {
    entries.put(key, entry);
  }
}
