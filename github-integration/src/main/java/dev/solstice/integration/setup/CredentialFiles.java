package dev.solstice.integration.setup;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Writes a new App's credentials (from GitHub's manifest conversion) into {@code <dir>/app-<id>/}:
 * one file per secret, each created owner-only ({@code 0600}, the directory {@code 0700}) before a
 * byte is written, and an env file that sets the service's variables from them. Never overwrites:
 * an existing directory for the same App id is an error.
 */
public final class CredentialFiles {

  private static final FileAttribute<Set<PosixFilePermission>> FILE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
  private static final FileAttribute<Set<PosixFilePermission>> DIR =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

  /**
   * What was written.
   *
   * @param env the variables to set, secrets as {@code $(cat file)} so they are shown nowhere
   */
  public record Written(
      long appId,
      String slug,
      String htmlUrl,
      Path directory,
      Path keyFile,
      Path envFile,
      Map<String, String> env) {}

  private CredentialFiles() {}

  /** Blocking: call from a worker. */
  public static Written write(Path outputDir, JsonObject app) throws IOException {
    long id = app.getLong("id");
    Path dir = outputDir.toAbsolutePath().resolve("app-" + id);
    Files.createDirectories(dir.getParent());
    try {
      Files.createDirectory(dir, DIR);
    } catch (FileAlreadyExistsException e) {
      throw new FileAlreadyExistsException(dir + " already exists; not overwriting it");
    }
    Path key = secret(dir, "private-key.pem", app.getString("pem"));
    Path webhook = secret(dir, "webhook-secret", app.getString("webhook_secret", ""));
    Path clientId = secret(dir, "client-id", app.getString("client_id", ""));
    Path clientSecret = secret(dir, "client-secret", app.getString("client_secret", ""));
    secret(dir, "app-id", Long.toString(id));
    Map<String, String> env = new LinkedHashMap<>();
    env.put("GITHUB_APP_ID", Long.toString(id));
    env.put("GITHUB_APP_KEY_PATH", key.toString());
    env.put("GITHUB_WEBHOOK_SECRET", "$(cat " + webhook + ")");
    env.put("GITHUB_CLIENT_ID", "$(cat " + clientId + ")");
    env.put("GITHUB_CLIENT_SECRET", "$(cat " + clientSecret + ")");
    StringBuilder text =
        new StringBuilder("# GitHub App ")
            .append(app.getString("slug"))
            .append(" (id ")
            .append(id)
            .append("), written by Solstice CI's setup; source this file before starting.\n");
    env.forEach((k, v) -> text.append("export ").append(k).append('=').append(v).append('\n'));
    Path envFile = secret(dir, "github-app.env", text.toString());
    return new Written(
        id,
        app.getString("slug"),
        app.getString("html_url"),
        dir,
        key,
        envFile,
        java.util.Collections.unmodifiableMap(env));
  }

  private static Path secret(Path dir, String name, String content) throws IOException {
    Path file = Files.createFile(dir.resolve(name), FILE);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }
}
