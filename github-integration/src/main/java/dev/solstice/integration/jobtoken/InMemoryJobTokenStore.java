package dev.solstice.integration.jobtoken;

import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A process-local {@link JobTokenStore} (without {@code REDIS_URL}): like the Redis store, a grant
 * is gone once it expired (expired ones are pruned at each put).
 */
public final class InMemoryJobTokenStore implements JobTokenStore {

  private final Map<String, JobGrant> grants = new ConcurrentHashMap<>();
  private final Clock clock;

  public InMemoryJobTokenStore(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Future<Void> put(String hash, JobGrant grant) {
    Instant now = clock.instant();
    grants.values().removeIf(g -> !g.validAt(now));
    grants.put(hash, grant);
    return Future.succeededFuture();
  }

  @Override
  public Future<Optional<JobGrant>> get(String hash) {
    Instant now = clock.instant();
    return Future.succeededFuture(
        Optional.ofNullable(grants.get(hash)).filter(g -> g.validAt(now)));
  }

  @Override
  public Future<Boolean> endBy(UUID requestId, Instant until) {
    // A replayed delivery may have published the job twice, each copy with its own token.
    List<String> copies =
        grants.entrySet().stream()
            .filter(e -> e.getValue().requestId().equals(requestId))
            .map(Map.Entry::getKey)
            .toList();
    copies.forEach(hash -> grants.computeIfPresent(hash, (h, g) -> g.endingBy(until)));
    return Future.succeededFuture(!copies.isEmpty());
  }
}
