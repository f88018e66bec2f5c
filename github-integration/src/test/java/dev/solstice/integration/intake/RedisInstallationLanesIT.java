package dev.solstice.integration.intake;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The lanes' Lua scripts against the machine's Redis (127.0.0.1:6379), keys under a test prefix.
 */
class RedisInstallationLanesIT extends LanesContract {
  private Vertx vertx;
  private Redis redis;
  private RedisAPI api;
  private String prefix;
  private InstallationLanes lanes;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    redis = Redis.createClient(vertx, "redis://127.0.0.1:6379");
    api = RedisAPI.api(redis);
    prefix = "solstice:test:" + UUID.randomUUID() + ":lanes:";
    lanes =
        new RedisInstallationLanes(vertx, api, prefix, Duration.ofSeconds(5), Duration.ofHours(1));
  }

  @AfterEach
  void stop() throws Exception {
    List<String> keys = new ArrayList<>();
    await(api.keys(prefix + "*")).forEach(k -> keys.add(k.toString()));
    if (!keys.isEmpty()) {
      await(api.del(keys));
    }
    redis.close();
    await(vertx.close());
  }

  @Override
  InstallationLanes lanes() {
    return lanes;
  }
}
