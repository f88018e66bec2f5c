package dev.solstice.integration.gateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GATEWAY_CLIENTS_FILE} as it stands: {@link #check()} (called on a Vert.x timer) re-reads
 * the file when its content changed and swaps in the new registry; an invalid file is logged with
 * the line at fault and the previous registry stays in force.
 */
public final class ClientRegistryFile {

  private static final Logger LOG = LoggerFactory.getLogger(ClientRegistryFile.class);

  private final Path path;
  private final AtomicReference<ClientRegistry> current =
      new AtomicReference<>(ClientRegistry.empty());
  private volatile String lastText;

  public ClientRegistryFile(Path path) {
    this.path = path;
  }

  /** Reads the file the first time; an invalid one at start is an error. */
  public static ClientRegistryFile load(Path path) throws IOException, ClientRegistry.Invalid {
    ClientRegistryFile f = new ClientRegistryFile(path);
    String text = Files.readString(path, StandardCharsets.UTF_8);
    f.current.set(ClientRegistry.parse(text));
    f.lastText = text;
    return f;
  }

  public ClientRegistry registry() {
    return current.get();
  }

  /**
   * Re-reads the file if its content changed.
   *
   * @return whether a new registry is in force
   */
  public boolean check() {
    String text;
    try {
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      LOG.warn(
          "gateway clients file {} unreadable, previous registry kept: {}", path, e.toString());
      return false;
    }
    if (text.equals(lastText)) {
      return false;
    }
    lastText = text;
    try {
      ClientRegistry next = ClientRegistry.parse(text);
      current.set(next);
      LOG.info("gateway clients file {} reloaded: {} clients", path, next.size());
      return true;
    } catch (ClientRegistry.Invalid e) {
      LOG.error(
          "gateway clients file {} refused, previous registry kept: {}", path, e.getMessage());
      return false;
    }
  }
}
