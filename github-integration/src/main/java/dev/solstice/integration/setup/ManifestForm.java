package dev.solstice.integration.setup;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The App manifest ({@code deploy/github-app/manifest.json}, packaged as {@value #RESOURCE})
 * completed for one host: its webhook, Setup URL and redirect (callback) URL, and where on GitHub
 * the form is posted.
 */
public final class ManifestForm {

  static final String RESOURCE = "/github-app/manifest.json";
  public static final String CALLBACK_PATH = "/github/app/callback";
  public static final String SETUP_PATH = "/github/setup";
  public static final String NEW_APP_PATH = "/github/app/new";

  /** GitHub's rule for organisation logins. */
  private static final Pattern ORG =
      Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?");

  private final JsonObject template;

  private ManifestForm(JsonObject template) {
    this.template = template;
  }

  /** The manifest shipped with the service. */
  public static ManifestForm packaged() {
    try (InputStream in = ManifestForm.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the class path");
      }
      return new ManifestForm(
          new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** True when {@code org} can be an organisation login. */
  public static boolean validOrg(String org) {
    return org != null && ORG.matcher(org).matches();
  }

  /**
   * The manifest for a service reached at {@code base} (no trailing slash) with its webhook at
   * {@code webhookPath}.
   */
  public JsonObject complete(String base, String webhookPath) {
    JsonObject m = template.copy();
    m.put("url", base);
    m.put(
        "hook_attributes",
        m.getJsonObject("hook_attributes", new JsonObject())
            .copy()
            .put("url", base + webhookPath)
            .put("active", true));
    m.put("redirect_url", base + CALLBACK_PATH);
    // The second: GitHub login of the job pages and the console (web.AuthSettings.CALLBACK_PATH).
    m.put(
        "callback_urls",
        new JsonArray()
            .add(base + CALLBACK_PATH)
            .add(base + dev.solstice.integration.web.AuthSettings.CALLBACK_PATH));
    m.put("setup_url", base + SETUP_PATH);
    m.put("setup_on_update", true);
    return m;
  }

  /**
   * Where the form goes: {@code /settings/apps/new}, or the organisation's, with the {@code state}
   * GitHub hands back.
   */
  public static String action(URI githubWeb, String org, String state) {
    String path =
        org == null
            ? "/settings/apps/new"
            : "/organizations/"
                + URLEncoder.encode(org, StandardCharsets.UTF_8)
                + "/settings/apps/new";
    return githubWeb + path + "?state=" + URLEncoder.encode(state, StandardCharsets.UTF_8);
  }
}
