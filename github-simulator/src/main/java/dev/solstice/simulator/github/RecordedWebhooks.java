package dev.solstice.simulator.github;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Real webhook payloads recorded by GitHub ({@code @octokit/webhooks-examples}), shipped as this
 * module's resources under {@code /webhooks} (see the README there): {@code push.json}, {@code
 * pull_request.synchronize.json}, ...
 */
public final class RecordedWebhooks {

  /** The commit of {@code push.json} (its {@code after}). */
  public static final String PUSH_SHA = "6113728f27ae82c7b1a177c8d03f9e96e0adf246";

  private RecordedWebhooks() {}

  /**
   * The payload's bytes as recorded.
   *
   * @throws IllegalArgumentException if there is no payload of that name
   */
  public static byte[] payload(String name) {
    try (InputStream in = RecordedWebhooks.class.getResourceAsStream("/webhooks/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no recorded webhook " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
