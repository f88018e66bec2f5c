package dev.solstice.simulator.github;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * RSA keys generated at test time (nothing committed) and written as PEM with BouncyCastle: PKCS#1
 * ({@code BEGIN RSA PRIVATE KEY}, what GitHub hands out) and PKCS#8.
 */
public final class TestKeys {
  private TestKeys() {}

  public static KeyPair generate() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code -----BEGIN RSA PRIVATE KEY-----}: JcaPEMWriter writes RSA keys as PKCS#1. */
  public static String pkcs1Pem(KeyPair keys) {
    return write(keys.getPrivate());
  }

  /** {@code -----BEGIN PRIVATE KEY-----}. */
  public static String pkcs8Pem(KeyPair keys) {
    try {
      return write(new JcaPKCS8Generator(keys.getPrivate(), null).generate());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String publicPem(KeyPair keys) {
    return write(keys.getPublic());
  }

  public static RSAPrivateKey privateKey(KeyPair keys) {
    return (RSAPrivateKey) keys.getPrivate();
  }

  public static RSAPublicKey publicKey(KeyPair keys) {
    return (RSAPublicKey) keys.getPublic();
  }

  private static String write(Object o) {
    StringWriter sw = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
      w.writeObject(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sw.toString();
  }
}
