package dev.solstice.integration.gateway;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * GitHub's GET answers with their ETag, so a repeat goes upstream as a conditional request and a
 * 304 (free against the rate limit) is answered from here. Keyed by the credential's scope
 * (installation, repository, permission set), the URL and {@code Accept}: an answer is only ever
 * served to a job whose token could read it itself. In Redis when configured (shared by the
 * replicas, each answer for {@link #REDIS_TTL}), else in memory, least recently used first out. A
 * cache that fails is a miss, never an error.
 */
public final class ConditionalCache {

  /**
   * A cached answer: GitHub's headers (hop-by-hop ones removed), body and ETag, and when GitHub
   * last confirmed it (its 200, or a 304 to the gateway's conditional request).
   */
  record Entry(String etag, MultiMap headers, Buffer body, Instant checkedAt) {

    Entry checked(Instant at) {
      return new Entry(etag, headers, body, at);
    }
  }

  /** Larger answers are passed through without being cached. */
  static final int MAX_BODY_BYTES = 1024 * 1024;

  /** How long Redis keeps an answer not asked for again. */
  public static final Duration REDIS_TTL = Duration.ofHours(1);

  private final Map<String, Entry> entries;
  private final RedisAPI redis;
  private final String prefix;

  private ConditionalCache(int maxEntries, RedisAPI redis, String prefix) {
    this.redis = redis;
    this.prefix = prefix;
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > maxEntries;
          }
        };
  }

  /** At most {@code maxEntries} answers in this process. */
  public static ConditionalCache inMemory(int maxEntries) {
    return new ConditionalCache(maxEntries, null, null);
  }

  /** Answers in Redis under {@code prefix} followed by the SHA-256 of their key. */
  public static ConditionalCache redis(RedisAPI redis, String prefix) {
    return new ConditionalCache(0, redis, prefix);
  }

  static String key(
      long installationId,
      String repository,
      Map<String, String> permissions,
      String url,
      String accept) {
    // As GrantCredential.cacheScope names a job's scope.
    return key(
        "app|"
            + installationId
            + "|"
            + repository.toLowerCase(Locale.ROOT)
            + "|"
            + new TreeMap<>(permissions),
        url,
        accept);
  }

  /** The key of a GET with {@code url} and {@code accept} under a credential's scope. */
  static String key(String scope, String url, String accept) {
    return scope + "|" + url + "|" + (accept == null ? "" : accept);
  }

  /** The answer kept under {@code key}, or null. */
  Future<Entry> get(String key) {
    if (redis == null) {
      synchronized (this) {
        return Future.succeededFuture(entries.get(key));
      }
    }
    return redis
        .get(redisKey(key))
        .map(r -> r == null ? null : fromJson(new JsonObject(r.toBuffer())))
        .otherwise((Entry) null);
  }

  Future<Void> put(String key, Entry entry) {
    if (redis == null) {
      synchronized (this) {
        entries.put(key, entry);
      }
      return Future.succeededFuture();
    }
    return redis
        .set(
            List.of(
                redisKey(key), toJson(entry).encode(), "PX", Long.toString(REDIS_TTL.toMillis())))
        .<Void>mapEmpty()
        .otherwiseEmpty();
  }

  /**
   * Whether a client's {@code If-None-Match} header matches {@code etag}: {@code *} or one of its
   * comma-separated tags, compared weakly (RFC 9110, 13.1.2).
   */
  static boolean matches(String ifNoneMatch, String etag) {
    String ours = weak(etag);
    for (String tag : ifNoneMatch.split(",")) {
      String t = tag.trim();
      if (t.equals("*") || weak(t).equals(ours)) {
        return true;
      }
    }
    return false;
  }

  private static String weak(String tag) {
    return tag.startsWith("W/") ? tag.substring(2) : tag;
  }

  private String redisKey(String key) {
    try {
      return prefix
          + HexFormat.of()
              .formatHex(
                  MessageDigest.getInstance("SHA-256")
                      .digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static JsonObject toJson(Entry e) {
    JsonArray headers = new JsonArray();
    e.headers().forEach(h -> headers.add(new JsonArray().add(h.getKey()).add(h.getValue())));
    return new JsonObject()
        .put("etag", e.etag())
        .put("headers", headers)
        .put("body", e.body().getBytes())
        .put("checked_at", e.checkedAt().toEpochMilli());
  }

  private static Entry fromJson(JsonObject j) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    j.getJsonArray("headers")
        .forEach(h -> headers.add(((JsonArray) h).getString(0), ((JsonArray) h).getString(1)));
    return new Entry(
        j.getString("etag"),
        headers,
        Buffer.buffer(j.getBinary("body")),
        Instant.ofEpochMilli(j.getLong("checked_at", 0L)));
  }
}
