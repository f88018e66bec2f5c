package dev.solstice.integration.jobtoken;

import dev.solstice.integration.github.PrivateKeys;
import dev.solstice.platform.config.EnvReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPrivateKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Issue 13: the gateway's credential pool besides the App, for registry clients' requests: extra
 * Apps ({@code GITHUB_APP_<NAME>_ID}, {@code GITHUB_APP_<NAME>_KEY_PATH}, {@code
 * GITHUB_APP_<NAME>_INSTALLATION_ID}) and PATs ({@code GITHUB_PAT_<NAME>}), each in name order.
 *
 * @param apps extra Apps, each with its one installation
 * @param pats personal access tokens
 */
public record PoolSettings(List<App> apps, List<Pat> pats) {

  /** An extra App; its key is read at start. */
  public record App(String name, long appId, RSAPrivateKey key, long installationId) {
    @Override
    public String toString() {
      return "App[name=" + name + ", appId=" + appId + ", installationId=" + installationId + "]";
    }
  }

  /** A PAT; {@link #toString} never shows it. */
  public record Pat(String name, String token) {
    @Override
    public String toString() {
      return "Pat[name=" + name + ", token=***]";
    }
  }

  public static final PoolSettings NONE = new PoolSettings(List.of(), List.of());

  private static final String NAME = "([A-Z0-9][A-Z0-9_]*)";
  private static final String APP = "GITHUB_APP_";
  private static final String PAT = "GITHUB_PAT_";
  private static final String KEY_PATH = "_KEY_PATH";
  private static final String INSTALLATION_ID = "_INSTALLATION_ID";

  public PoolSettings {
    apps = List.copyOf(apps);
    pats = List.copyOf(pats);
  }

  /**
   * Reads every {@code GITHUB_APP_<NAME>_KEY_PATH} (and its companions) and {@code GITHUB_PAT_*}.
   */
  public static PoolSettings fromEnv(EnvReader in) {
    List<App> apps = new ArrayList<>();
    for (String keyVar : in.names(APP + NAME + KEY_PATH)) {
      String name = keyVar.substring(APP.length(), keyVar.length() - KEY_PATH.length());
      String prefix = APP + name;
      long id = in.positiveLong(prefix + "_ID", null);
      long installation = in.positiveLong(prefix + INSTALLATION_ID, null);
      RSAPrivateKey key = key(in, keyVar);
      if (key != null && id > 0 && installation > 0) {
        apps.add(new App(name.toLowerCase(Locale.ROOT), id, key, installation));
      }
    }
    for (String idVar : in.names(APP + NAME + INSTALLATION_ID)) {
      String prefix = idVar.substring(0, idVar.length() - INSTALLATION_ID.length());
      in.require(in.raw(prefix + KEY_PATH) != null, prefix + KEY_PATH + ": required with " + idVar);
    }
    List<Pat> pats = new ArrayList<>();
    for (String var : in.names(PAT + NAME)) {
      pats.add(new Pat(var.substring(PAT.length()).toLowerCase(Locale.ROOT), in.raw(var)));
    }
    return new PoolSettings(apps, pats);
  }

  private static RSAPrivateKey key(EnvReader in, String keyVar) {
    Path path = Path.of(in.raw(keyVar));
    try {
      return PrivateKeys.readRsaPrivateKey(Files.readString(path, StandardCharsets.UTF_8));
    } catch (IOException e) {
      in.error(keyVar + ": cannot read " + path + ": " + e.getMessage());
    } catch (PrivateKeys.InvalidKeyException e) {
      in.error(keyVar + ": " + path + " is not an RSA private key: " + e.getMessage());
    }
    return null;
  }
}
