package dev.solstice.integration.setup;

import dev.solstice.platform.config.EnvReader;
import java.net.URI;
import java.nio.file.Path;

/**
 * First-run setup from the App manifest ({@code /github/app/new}), and where GitHub lives.
 *
 * @param enabled {@code SETUP_ENABLED}: serve {@code /github/app/new} even with an App configured
 *     (it is always served while none is)
 * @param publicUrl {@code PUBLIC_URL}: this service as GitHub and browsers reach it, without a
 *     trailing slash; null to take the origin of the request that asks for the setup page
 * @param githubWebUrl {@code GITHUB_WEB_URL}: GitHub's web host (where Apps are created)
 * @param apiBase {@code GITHUB_API_BASE}: where the manifest code is converted
 * @param outputDir {@code SETUP_OUTPUT_DIR}: where the new App's credentials are written
 */
public record SetupSettings(
    boolean enabled, URI publicUrl, URI githubWebUrl, URI apiBase, Path outputDir) {

  public static final String DEFAULT_WEB_URL = "https://github.com";
  public static final String DEFAULT_OUTPUT_DIR = "github-app";

  /** Reads the variables; every problem is added to {@code in}'s errors. */
  public static SetupSettings fromEnv(EnvReader in) {
    boolean enabled = in.bool("SETUP_ENABLED", false);
    String rawPublic = in.raw("PUBLIC_URL");
    URI publicUrl = rawPublic == null ? null : in.uri("PUBLIC_URL", null, "http", "https");
    URI web = in.uri("GITHUB_WEB_URL", DEFAULT_WEB_URL, "http", "https");
    // GITHUB_API_BASE is also read (and reported) by GitHubSettings when an App is configured.
    URI api = in.uri("GITHUB_API_BASE", "https://api.github.com", "http", "https");
    Path out = Path.of(in.string("SETUP_OUTPUT_DIR", DEFAULT_OUTPUT_DIR));
    return new SetupSettings(
        enabled,
        publicUrl == null ? null : URI.create(strip(publicUrl.toString())),
        web == null ? null : URI.create(strip(web.toString())),
        api == null ? null : URI.create(strip(api.toString())),
        out);
  }

  private static String strip(String url) {
    String u = url;
    while (u.endsWith("/")) {
      u = u.substring(0, u.length() - 1);
    }
    return u;
  }
}
