package dev.solstice.integration.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks GitHub's {@code X-Hub-Signature-256} header: {@code sha256=} and the hex HMAC-SHA256 of
 * the raw body. Several secrets may be active at once, so a secret can be rotated without downtime.
 * Thread-safe.
 */
public final class SignatureVerifier {

  public static final String HEADER = "X-Hub-Signature-256";
  private static final String PREFIX = "sha256=";
  private static final String ALGORITHM = "HmacSHA256";

  private final List<SecretKeySpec> keys;
  private final ThreadLocal<Mac> mac = ThreadLocal.withInitial(SignatureVerifier::newMac);

  public SignatureVerifier(List<String> secrets) {
    this.keys =
        secrets.stream()
            .map(s -> new SecretKeySpec(s.getBytes(StandardCharsets.UTF_8), ALGORITHM))
            .toList();
  }

  /** True when the header is a well-formed signature of {@code body} under one of the secrets. */
  public boolean verify(byte[] body, String header) {
    if (header == null || !header.startsWith(PREFIX) || header.length() != PREFIX.length() + 64) {
      return false;
    }
    byte[] presented;
    try {
      presented = HexFormat.of().parseHex(header, PREFIX.length(), header.length());
    } catch (IllegalArgumentException e) {
      return false;
    }
    boolean match = false;
    for (SecretKeySpec key : keys) {
      // No early exit: the time taken does not tell which secret matched.
      match |= MessageDigest.isEqual(presented, digest(key, body));
    }
    return match;
  }

  /** The header value GitHub would send for {@code body} signed with {@code secret}. */
  public static String sign(String secret, byte[] body) {
    return PREFIX
        + HexFormat.of()
            .formatHex(
                digest(
                    new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM),
                    body,
                    newMac()));
  }

  private byte[] digest(SecretKeySpec key, byte[] body) {
    return digest(key, body, mac.get());
  }

  private static byte[] digest(SecretKeySpec key, byte[] body, Mac mac) {
    try {
      mac.init(key);
      return mac.doFinal(body);
    } catch (InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Mac newMac() {
    try {
      return Mac.getInstance(ALGORITHM);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM lacks " + ALGORITHM, e);
    }
  }
}
