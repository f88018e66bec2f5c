package dev.solstice.integration.github;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM for tokens at rest in Redis. The cache key is bound as associated data, so a value
 * copied under another key does not decrypt. Output: base64(12-byte IV || ciphertext+tag). The
 * record's stored payloads ({@code STORE_PAYLOADS}) are encrypted the same way, with the same key.
 */
public final class TokenCipher {
  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;
  private final SecretKeySpec key;
  private final SecureRandom random = new SecureRandom();

  public TokenCipher(byte[] key) {
    if (key == null || key.length != 32) {
      throw new IllegalArgumentException("TOKEN_CACHE_KEY must be 32 bytes");
    }
    this.key = new SecretKeySpec(key.clone(), "AES");
  }

  public String encrypt(String plaintext, String associatedData) {
    try {
      byte[] iv = new byte[IV_BYTES];
      random.nextBytes(iv);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
      c.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
      byte[] ct = c.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder()
          .encodeToString(ByteBuffer.allocate(iv.length + ct.length).put(iv).put(ct).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  /**
   * @throws GeneralSecurityException when the value was not produced with this key and AAD
   */
  public String decrypt(String encoded, String associatedData) throws GeneralSecurityException {
    byte[] all;
    try {
      all = Base64.getDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      throw new GeneralSecurityException("not base64");
    }
    if (all.length <= IV_BYTES) {
      throw new GeneralSecurityException("too short");
    }
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, IV_BYTES));
    c.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
    byte[] pt = c.doFinal(all, IV_BYTES, all.length - IV_BYTES);
    return new String(pt, StandardCharsets.UTF_8);
  }
}
