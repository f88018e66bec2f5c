/**
 * The GitHub App client: every GitHub call of the service goes through {@link
 * dev.solstice.integration.github.GitHubClient}.
 *
 * <ul>
 *   <li>Configuration: {@link dev.solstice.integration.github.GitHubSettings#fromEnv}; build the
 *       client with {@link dev.solstice.integration.github.WebClientGitHubClient#create}.
 *   <li>Authentication: {@link dev.solstice.integration.github.AppJwtSigner} (RS256 App JWT, key
 *       read by {@link dev.solstice.integration.github.PrivateKeys}) and {@link
 *       dev.solstice.integration.github.InstallationTokenProvider} (per repository and {@link
 *       dev.solstice.integration.github.TokenScope}, cached, optionally shared through Redis by
 *       {@link dev.solstice.integration.github.RedisTokenCache}, AES-GCM at rest).
 *   <li>Failures: {@link dev.solstice.integration.core.GitHubApiException} and its leaves; decide
 *       on the type, never on a status code.
 *   <li>Politeness: {@link dev.solstice.integration.github.RetryPolicy} (backoff with full jitter,
 *       bounded rate-limit waits), {@link dev.solstice.integration.github.PacingPolicy} (serial,
 *       paced writes per installation; bounded concurrent reads), ETag revalidation.
 * </ul>
 *
 * Secrets (key, JWT, tokens, cache key) never reach a log line or a {@code toString()}.
 */
package dev.solstice.integration.github;
