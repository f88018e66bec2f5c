package dev.solstice.integration.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Recorded GitHub webhook payloads from {@code src/test/resources/webhooks} (see its README). */
public final class Fixtures {

  private Fixtures() {
  }

  public static byte[] webhook(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/webhooks/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
