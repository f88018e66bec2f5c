package dev.solstice.integration.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
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

  /**
   * One initialised Mac per secret, never fed: each request clones it (issue 18), which skips the
   * provider look-up and the key set-up that {@code Mac.getInstance} + {@code init} cost per body.
   */
  private final List<Mac> prototypes;

  public SignatureVerifier(List<String> secrets) {
    this.keys =
        secrets.stream()
            .map(s -> new SecretKeySpec(s.getBytes(StandardCharsets.UTF_8), ALGORITHM))
            .toList();
    this.prototypes = keys.stream().map(SignatureVerifier::initialised).toList();
  }

  private static Mac initialised(SecretKeySpec key) {
    Mac mac = newMac();
    try {
      mac.init(key);
    } catch (InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
    return mac;
  }

  /** True when the header is a well-formed signature of {@code body} under one of the secrets. */
  public boolean verify(byte[] body, String header) {
    Digest digest = begin(header);
    if (digest == null) {
      return false;
    }
    digest.update(body);
    return digest.matches();
  }

  /**
   * The check of one body signed as {@code header} says, fed as the body arrives; null when the
   * header is missing or malformed (then nothing needs to be read to refuse it).
   */
  public Digest begin(String header) {
    if (header == null || !header.startsWith(PREFIX) || header.length() != PREFIX.length() + 64) {
      return null;
    }
    try {
      return new Digest(
          HexFormat.of().parseHex(header, PREFIX.length(), header.length()), keys, prototypes);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The HMACs of one body under every active secret. Not thread-safe: one per request. */
  public static final class Digest {

    private final byte[] presented;
    private final List<Mac> macs = new ArrayList<>();

    private Digest(byte[] presented, List<SecretKeySpec> keys, List<Mac> prototypes) {
      this.presented = presented;
      for (int i = 0; i < keys.size(); i++) {
        Mac mac;
        try {
          // Cloning an initialised Mac that is never fed only reads it: safe across threads.
          mac = (Mac) prototypes.get(i).clone();
        } catch (CloneNotSupportedException e) {
          mac = initialised(keys.get(i));
        }
        macs.add(mac);
      }
    }

    public void update(byte[] bytes) {
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
