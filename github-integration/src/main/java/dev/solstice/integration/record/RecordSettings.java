package dev.solstice.integration.record;

import dev.solstice.platform.config.EnvReader;
import dev.solstice.platform.config.Redaction;
import java.time.Duration;

/**
 * The PostgreSQL record (issue 15): {@code DATABASE_URL} and what the record keeps.
 *
 * @param databaseUrl {@code postgresql://user:password@host:port/database}; null turns the record
 *     off
 * @param retention deliveries older than this are deleted ({@code DELIVERY_RETENTION})
 * @param storePayloads keep each delivery's body, encrypted with {@code payloadKey}
 * @param payloadKey the AES-256 key of stored bodies ({@code TOKEN_CACHE_KEY}); null unless
 *     storePayloads
 * @param syncInterval time between reconciliations with GitHub ({@code
 *     INSTALLATIONS_SYNC_INTERVAL})
 * @param bufferSize record writes held in memory while PostgreSQL is slow or down ({@code
 *     RECORD_BUFFER}); beyond it the oldest are dropped, counted and logged
 */
public record RecordSettings(
    String databaseUrl,
    Duration retention,
    boolean storePayloads,
    byte[] payloadKey,
    Duration syncInterval,
    int bufferSize) {

  public static RecordSettings fromEnv(EnvReader in) {
    byte[] tokenCacheKey = null;
    try {
      String raw = in.raw("TOKEN_CACHE_KEY");
      tokenCacheKey = raw == null ? null : java.util.Base64.getDecoder().decode(raw);
    } catch (IllegalArgumentException e) {
      // reported with the App's settings; here it only means no key
    }
    if (tokenCacheKey != null && tokenCacheKey.length != 32) {
      tokenCacheKey = null;
    }
    String url = in.raw("DATABASE_URL");
    if (url != null) {
      in.uri("DATABASE_URL", url, "postgresql", "postgres");
    }
    boolean store = in.bool("STORE_PAYLOADS", false);
    if (store && tokenCacheKey == null) {
      in.error(
          "STORE_PAYLOADS: true needs TOKEN_CACHE_KEY (bodies are encrypted at rest with it);"
              + " generate one with: openssl rand -base64 32");
    }
    if (store && url == null) {
      in.error("STORE_PAYLOADS: true needs DATABASE_URL (bodies are stored in the record)");
    }
    return new RecordSettings(
        url,
        in.positiveDuration("DELIVERY_RETENTION", Duration.ofDays(30)),
        store,
        store ? tokenCacheKey : null,
        in.positiveDuration("INSTALLATIONS_SYNC_INTERVAL", Duration.ofHours(6)),
        in.integer("RECORD_BUFFER", 10_000, 1, 10_000_000));
  }

  public boolean enabled() {
    return databaseUrl != null;
  }

  @Override
  public String toString() {
    return "RecordSettings[database="
        + (databaseUrl == null ? "none" : Redaction.userInfo(databaseUrl))
        + ", retention="
        + retention
        + ", storePayloads="
        + storePayloads
        + ", syncInterval="
        + syncInterval
        + ", buffer="
        + bufferSize
        + "]";
  }
}
