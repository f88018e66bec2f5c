package dev.solstice.integration.jobtoken;

import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** A process-local {@link JobTokenStore} (without {@code REDIS_URL}); expired grants are pruned. */
public final class InMemoryJobTokenStore implements JobTokenStore {

  private final Map<String, JobGrant> grants = new ConcurrentHashMap<>();
  private final Map<UUID, java.util.Set<String>> byRequest = new ConcurrentHashMap<>();
  private final Clock clock;

  public InMemoryJobTokenStore(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Future<Void> put(String hash, JobGrant grant) {
    prune();
    grants.put(hash, grant);
    byRequest.computeIfAbsent(grant.requestId(), k -> ConcurrentHashMap.newKeySet()).add(hash);
    return Future.succeededFuture();
  }

  @Override
  public Future<Optional<JobGrant>> get(String hash) {
    return Future.succeededFuture(Optional.ofNullable(grants.get(hash)));
  }

  @Override
  public Future<Boolean> endBy(UUID requestId, Instant until) {
    // A replayed delivery may have published the job twice, each copy with its own token.
    boolean any = false;
    for (String hash : byRequest.getOrDefault(requestId, java.util.Set.of())) {
      any |= grants.computeIfPresent(hash, (h, g) -> g.endingBy(until)) != null;
    }
    return Future.succeededFuture(any);
  }

  private void prune() {
    Instant now = clock.instant();
    grants.entrySet().removeIf(e -> !e.getValue().validAt(now));
    byRequest.values().forEach(set -> set.removeIf(h -> !grants.containsKey(h)));
    byRequest.values().removeIf(java.util.Set::isEmpty);
  }
}
