package dev.solstice.simulator.github;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * More credentials than the one App, each with a rate limit of its own, as GitHub keeps one per
 * credential: extra Apps (each with its installation, so its installation tokens count against
 * their own bucket) and personal access tokens (classic, {@code repo} scope: read and write on the
 * repositories their user can see). A PAT's requests are recorded with credential {@code pat}.
 */
public final class CredentialSet {

  /** A PAT: its owner's name, the repositories its user can see. */
  record Pat(String name, Set<String> repos) {}

  private final GitHubSimulator sim;
  private final Map<String, Pat> pats = new ConcurrentHashMap<>();
  private final Map<Long, Long> appOfInstallation = new ConcurrentHashMap<>();

  CredentialSet(GitHubSimulator sim) {
    this.sim = sim;
  }

  /**
   * An App of its own (its JWTs accepted from now on) installed on {@code repos} as installation
   * {@code installationId}, whose tokens get {@code limit} requests per hour.
   */
  public CredentialSet app(
      GitHubSimulator.App app,
      long installationId,
      long limit,
      Map<String, String> permissions,
      String... repos) {
    sim.registerApp(app);
    sim.installation(installationId, permissions, repos);
    appOfInstallation.put(installationId, app.id());
    sim.bucketLimit("installation:" + installationId, limit);
    return this;
  }

  /** A new PAT named {@code name} seeing {@code repos}, with {@code limit} requests per hour. */
  public String pat(String name, long limit, String... repos) {
    String token = "ghp_" + java.util.UUID.randomUUID().toString().replace("-", "");
    pats.put(
        token,
        new Pat(
            name,
            java.util.Arrays.stream(repos)
                .map(r -> r.toLowerCase(java.util.Locale.ROOT))
                .collect(Collectors.toSet())));
    sim.bucketLimit(bucket(name), limit);
    return token;
  }

  /** x-ratelimit-remaining of PAT {@code name}. */
  public long patRemaining(String name) {
    return sim.bucketRemaining(bucket(name));
  }

  static String bucket(String name) {
    return "pat:" + name;
  }

  /**
   * Whether installation {@code id} is App {@code appId}'s (every one not made here is the App's).
   */
  boolean belongsTo(long installationId, long appId) {
    Long owner = appOfInstallation.get(installationId);
    return owner == null ? !appOfInstallation.containsValue(appId) : owner == appId;
  }

  /** The PAT of {@code token}, or null. */
  Pat pat(String token) {
    return pats.get(token);
  }
}
