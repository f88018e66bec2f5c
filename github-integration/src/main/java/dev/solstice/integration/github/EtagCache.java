package dev.solstice.integration.github;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bounded LRU of GET responses with their ETag. A 304 answer to {@code If-None-Match} is free
 * against GitHub's rate limit, so every GET that repeats is revalidated instead of refetched. Keys
 * include the credential identity (installation + scope), never the credential itself.
 */
final class EtagCache {
  record Entry(String etag, MultiMap headers, Buffer body) {}

  private final int maxEntries;
  private final long maxBytes;
  private long bytes;
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);

  EtagCache(int maxEntries, long maxBytes) {
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
  }

  synchronized Entry get(String key) {
    return entries.get(key);
  }

  synchronized void put(String key, Entry entry) {
    if (entry.body().length() > maxBytes / 4) {
      return; // huge bodies would evict everything else
    }
    Entry old = entries.put(key, entry);
    if (old != null) {
      bytes -= old.body().length();
    }
    bytes += entry.body().length();
    var it = entries.entrySet().iterator();
    while ((entries.size() > maxEntries || bytes > maxBytes) && it.hasNext()) {
      Map.Entry<String, Entry> eldest = it.next();
      bytes -= eldest.getValue().body().length();
      it.remove();
    }
  }
}
