package dev.solstice.integration.github;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.Optional;

/**
 * A token cache shared between replicas. Implementations must never store a token in clear text.
 */
public interface SharedTokenCache {

  /** The cached token, if present and decryptable. */
  Future<Optional<InstallationToken>> get(String key);

  /** Stores the token until it expires. */
  Future<Void> put(String key, InstallationToken token);

  /** Drops the token, e.g. after GitHub refused it. */
  Future<Void> evict(String key);

  /**
   * Drops every token whose key starts with {@code keyPrefix} (an installation's tokens, once it is
   * deleted or suspended).
   */
  default Future<Void> evictAll(String keyPrefix) {
    return Future.succeededFuture();
  }

  /**
   * Tries to become the one replica that mints {@code key}; true when this caller holds the lock
   * for at most {@code ttl}.
   */
  Future<Boolean> tryLock(String key, String owner, Duration ttl);

  /**
   * Extends the lock to {@code ttl} from now if {@code owner} still holds it (the holder renews a
   * short lock while it mints, so a holder that died frees it within one {@code ttl}).
   */
  default Future<Void> renewLock(String key, String owner, Duration ttl) {
    return Future.succeededFuture();
  }

  /** Releases the lock if {@code owner} still holds it. */
  Future<Void> unlock(String key, String owner);
}
