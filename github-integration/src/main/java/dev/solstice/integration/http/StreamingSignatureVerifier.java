package dev.solstice.integration.http;

import dev.solstice.integration.webhook.SignatureVerifier;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * {@link SignatureVerifier}'s check fed with the body's chunks as they arrive: the header is parsed
 * before any body byte is read, and the verdict is ready at the last byte without a second pass
 * over the body. Thread-safe; each {@link Digest} belongs to one request.
 */
public final class StreamingSignatureVerifier {

  private final SignatureVerifier verifier;

  public StreamingSignatureVerifier(List<String> secrets) {
    this.verifier = new SignatureVerifier(secrets);
  }

  /**
   * The digest of one body signed as {@code header} says, or null when the header is missing or
   * malformed.
   */
  public Digest begin(String header) {
    SignatureVerifier.Digest digest = verifier.begin(header);
    return digest == null ? null : new Digest(digest);
  }

  /** The HMACs of one body under every secret, fed with Vert.x buffers. Not thread-safe. */
  public static final class Digest {

    private final SignatureVerifier.Digest digest;

    private Digest(SignatureVerifier.Digest digest) {
      this.digest = digest;
    }

    public void update(Buffer chunk) {
      digest.update(chunk.getBytes());
    }

    /** True when the body fed so far is signed by one of the secrets. Call once, at the end. */
    public boolean matches() {
      return digest.matches();
    }
  }
}
