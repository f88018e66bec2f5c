package dev.solstice.integration.http;

import java.net.URI;

/**
 * Where webhooks may come from, and who may say where they come from (issue 17).
 *
 * @param trustedProxies {@code TRUSTED_PROXIES}: peers whose {@code X-Forwarded-For} is believed
 * @param allowlist {@code WEBHOOK_SOURCE_ALLOWLIST}'s ranges; unused unless {@link #restricted()}
 * @param github whether {@code WEBHOOK_SOURCE_ALLOWLIST} lists {@code github} (GitHub's {@code
 *     hooks} ranges)
 * @param restricted whether {@code WEBHOOK_SOURCE_ALLOWLIST} is set at all
 * @param metaBase the API base {@code GET /meta} is read from
 */
public record WebhookSources(
    Cidrs trustedProxies, Cidrs allowlist, boolean github, boolean restricted, URI metaBase) {

  /** Any source; no proxy trusted. */
  public static final WebhookSources ANY =
      new WebhookSources(
          Cidrs.NONE, Cidrs.NONE, false, false, URI.create("https://api.github.com"));

  /** The value of {@code WEBHOOK_SOURCE_ALLOWLIST} that stands for GitHub's hooks ranges. */
  public static final String GITHUB = "github";

  public ClientAddress clientAddress() {
    return new ClientAddress(trustedProxies);
  }
}
