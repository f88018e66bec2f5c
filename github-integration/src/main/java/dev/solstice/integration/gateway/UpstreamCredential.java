package dev.solstice.integration.gateway;

import io.vertx.core.Future;

/**
 * The credential a forwarded request carries to GitHub: a job's installation token, or one of the
 * credential pool's (the App's installation, an extra App's, a PAT) for a registry client.
 */
interface UpstreamCredential {

  /**
   * The credential's rate-limit identity, safe to show (never the token): {@code app@<installation
   * id>}, {@code app_<name>@<installation id>}, {@code pat_<name>}.
   */
  String name();

  /** What the conditional cache keys answers by: an answer is never served to another scope. */
  String cacheScope();

  /** The token to send ({@code Authorization: token <it>}). */
  Future<String> token();

  /** GitHub refused {@code token} (401): forget it, so the next {@link #token} is a new one. */
  Future<Void> refused(String token);

  /**
   * The credential to try after this one was rate limited (and set aside); a failed future when
   * there is none.
   */
  default Future<UpstreamCredential> next() {
    return Future.failedFuture(new IllegalStateException("no other credential"));
  }
}
