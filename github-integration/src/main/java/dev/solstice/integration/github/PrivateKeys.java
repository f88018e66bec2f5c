package dev.solstice.integration.github;

import java.io.IOException;
import java.io.StringReader;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateKey;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Reads the GitHub App private key from PEM text with BouncyCastle: PKCS#1 ({@code BEGIN RSA
 * PRIVATE KEY}, what GitHub hands out) and PKCS#8 ({@code BEGIN PRIVATE KEY}).
 *
 * <p>Error messages describe the problem but never quote the input.
 */
public final class PrivateKeys {
  private PrivateKeys() {}

  /** Thrown when the PEM text is not an unencrypted RSA private key. Never contains key bytes. */
  public static final class InvalidKeyException extends Exception {
    InvalidKeyException(String message) {
      super(message);
    }
  }

  public static RSAPrivateKey readRsaPrivateKey(String pem) throws InvalidKeyException {
    if (pem == null || pem.isBlank()) {
      throw new InvalidKeyException("the PEM text is empty");
    }
    Object parsed;
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      parsed = parser.readObject();
    } catch (IOException | RuntimeException e) {
      // The exception text of a parser may echo input; report only its type.
      throw new InvalidKeyException(
          "the PEM text could not be parsed (" + e.getClass().getSimpleName() + ")");
    }
    if (parsed == null) {
      throw new InvalidKeyException("no PEM block found (expected BEGIN RSA PRIVATE KEY)");
    }
    PrivateKey key;
    try {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (parsed instanceof PEMKeyPair pair) { // PKCS#1
        key = converter.getKeyPair(pair).getPrivate();
      } else if (parsed instanceof PrivateKeyInfo info) { // PKCS#8
        key = converter.getPrivateKey(info);
      } else {
        throw new InvalidKeyException(
            "the PEM block is a "
                + parsed.getClass().getSimpleName()
                + ", not an unencrypted private key");
      }
    } catch (IOException | RuntimeException e) {
      throw new InvalidKeyException(
          "the private key could not be decoded (" + e.getClass().getSimpleName() + ")");
    }
    if (!(key instanceof RSAPrivateKey rsa)) {
      throw new InvalidKeyException("GitHub App keys are RSA, this is " + key.getAlgorithm());
    }
    return rsa;
  }
}
