package dev.solstice.jobrequest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * A job's access to GitHub (the {@code github} object of a {@link JobRequest}): the permissions its
 * workflow grants it and, when the front door runs its gateway, where and with what the job reaches
 * GitHub. {@link #toString()} never shows the token.
 *
 * @param apiUrl the gateway's base URL (set as {@code GITHUB_API_URL} for the job); null without a
 *     gateway
 * @param token the job token (set as {@code GITHUB_TOKEN}); opaque, valid until {@code expiresAt}
 *     or shortly after the job's final result; null without a gateway
 * @param expiresAt when the token stops working at the latest; null without a gateway
 * @param permissions GitHub permission name to {@code read} or {@code write}
 * @since jobrequest.v1 (optional addition)
 */
@JsonInclude(Include.NON_NULL)
public record GitHubAccess(
    @JsonProperty("api_url") String apiUrl,
    @JsonProperty("token") String token,
    @JsonProperty("expires_at") Instant expiresAt,
    @JsonProperty("permissions") Map<String, String> permissions) {

  public GitHubAccess {
    permissions = permissions == null ? Map.of() : Map.copyOf(new TreeMap<>(permissions));
  }

  /** The permissions alone, before a token is issued. */
  public static GitHubAccess permissionsOnly(Map<String, String> permissions) {
    return new GitHubAccess(null, null, null, permissions);
  }

  /** A copy carrying an issued token. */
  public GitHubAccess withToken(String url, String jobToken, Instant expires) {
    return new GitHubAccess(url, jobToken, expires, permissions);
  }

  @Override
  public String toString() {
    return "GitHubAccess[apiUrl="
        + apiUrl
        + ", token="
        + (token == null ? "null" : "***")
        + ", expiresAt="
        + expiresAt
        + ", permissions="
        + new TreeMap<>(permissions)
        + "]";
  }
}
