package dev.solstice.integration.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConditionalCacheTest {

  private static final String URL = "https://api.github.com/repos/o/r/contents/a";

  @Test
  void answersAreKeptPerCredentialScopeUrlAndAccept() {
    String key =
        ConditionalCache.key(1, "o/r", Map.of("contents", "read"), URL, "application/json");
    assertThat(ConditionalCache.key(1, "O/R", Map.of("contents", "read"), URL, "application/json"))
        .isEqualTo(key);
    assertThat(ConditionalCache.key(1, "o/r", Map.of("contents", "write"), URL, "application/json"))
        .isNotEqualTo(key);
    assertThat(ConditionalCache.key(2, "o/r", Map.of("contents", "read"), URL, "application/json"))
        .isNotEqualTo(key);
    assertThat(ConditionalCache.key(1, "o/x", Map.of("contents", "read"), URL, "application/json"))
        .isNotEqualTo(key);
    assertThat(ConditionalCache.key(1, "o/r", Map.of("contents", "read"), URL, "application/raw"))
        .isNotEqualTo(key);
  }

  @Test
  void aClientsIfNoneMatchMatchesWeaklyAnyOfItsTagsOrStar() {
    assertThat(ConditionalCache.matches("\"a\"", "W/\"a\"")).isTrue();
    assertThat(ConditionalCache.matches("W/\"x\", W/\"a\"", "\"a\"")).isTrue();
    assertThat(ConditionalCache.matches("*", "\"a\"")).isTrue();
    assertThat(ConditionalCache.matches("\"b\"", "\"a\"")).isFalse();
  }

  @Test
  void theLeastRecentlyUsedAnswerLeavesFirst() {
    ConditionalCache cache = ConditionalCache.inMemory(2);
    ConditionalCache.Entry e =
        new ConditionalCache.Entry(
            "W/\"1\"", MultiMap.caseInsensitiveMultiMap(), Buffer.buffer(), Instant.EPOCH);
    cache.put("a", e);
    cache.put("b", e);
    cache.get("a").await();
    cache.put("c", e);
    assertThat(cache.get("a").await()).isNotNull();
    assertThat(cache.get("b").await()).isNull();
    assertThat(cache.get("c").await()).isNotNull();
  }
}
