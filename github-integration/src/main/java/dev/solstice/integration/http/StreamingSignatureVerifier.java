package dev.solstice.integration.http;

import dev.solstice.integration.webhook.SignatureVerifier;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@link SignatureVerifier}'s check computed while the body arrives: the header is parsed before
 * any body byte is read, and one HMAC-SHA256 per active secret (rotation) is fed chunk by chunk, so
 * the verdict is ready at the last byte without a second pass over the body. Thread-safe; each
 * {@link Digest} belongs to one request.
 */
public final class StreamingSignatureVerifier {

  private static final String PREFIX = "sha256=";
  private static final String ALGORITHM = "HmacSHA256";

  private final List<SecretKeySpec> keys;

  public StreamingSignatureVerifier(List<String> secrets) {
    this.keys =
        secrets.stream()
            .map(s -> new SecretKeySpec(s.getBytes(StandardCharsets.UTF_8), ALGORITHM))
            .toList();
  }

  /**
   * The digest of one body signed as {@code header} says, or null when the header is missing or
   * malformed.
   */
  public Digest begin(String header) {
    if (header == null || !header.startsWith(PREFIX) || header.length() != PREFIX.length() + 64) {
      return null;
    }
    try {
      return new Digest(HexFormat.of().parseHex(header, PREFIX.length(), header.length()), keys);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The HMACs of one body under every secret. Not thread-safe. */
  public static final class Digest {

    private final byte[] presented;
    private final List<Mac> macs = new ArrayList<>();

    private Digest(byte[] presented, List<SecretKeySpec> keys) {
      this.presented = presented;
      try {
        for (SecretKeySpec key : keys) {
          Mac mac = Mac.getInstance(ALGORITHM);
          mac.init(key);
          macs.add(mac);
        }
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("the JVM lacks " + ALGORITHM, e);
      }
    }

    public void update(Buffer chunk) {
      byte[] bytes = chunk.getBytes();
      for (Mac mac : macs) {
        mac.update(bytes);
      }
    }

    /** True when the body fed so far is signed by one of the secrets. Call once, at the end. */
    public boolean matches() {
      boolean match = false;
      for (Mac mac : macs) {
        // No early exit: the time taken does not tell which secret matched.
        match |= MessageDigest.isEqual(presented, mac.doFinal());
      }
      return match;
    }
  }
}
