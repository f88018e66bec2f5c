package dev.solstice.integration.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solstice.integration.webhook.SignatureVerifier;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class StreamingSignatureVerifierTest {

  // GitHub's published test vector, as in SignatureVerifierTest.
  private static final String SECRET = "It's a Secret to Everybody";
  private static final byte[] BODY = "Hello, World!".getBytes(StandardCharsets.UTF_8);
  private static final String EXPECTED =
      "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

  private static boolean verifyInChunks(
      StreamingSignatureVerifier verifier, byte[] body, String header, int... cuts) {
    StreamingSignatureVerifier.Digest digest = verifier.begin(header);
    if (digest == null) {
      return false;
    }
    int from = 0;
    for (int cut : cuts) {
      digest.update(Buffer.buffer(java.util.Arrays.copyOfRange(body, from, cut)));
      from = cut;
    }
    digest.update(Buffer.buffer(java.util.Arrays.copyOfRange(body, from, body.length)));
    return digest.matches();
  }

  @Test
  void acceptsGitHubsTestVectorWhateverTheChunking() {
    StreamingSignatureVerifier verifier = new StreamingSignatureVerifier(List.of(SECRET));
    assertThat(verifyInChunks(verifier, BODY, EXPECTED)).isTrue();
    for (int cut = 0; cut <= BODY.length; cut++) {
      assertThat(verifyInChunks(verifier, BODY, EXPECTED, cut)).as("cut at %d", cut).isTrue();
    }
    int[] everyByte = new int[BODY.length];
    for (int i = 0; i < BODY.length; i++) {
      everyByte[i] = i;
    }
    assertThat(verifyInChunks(verifier, BODY, EXPECTED, everyByte)).isTrue();
  }

  @Test
  void acceptsASignatureByAnyOfTheRotatingSecrets() {
    StreamingSignatureVerifier verifier =
        new StreamingSignatureVerifier(List.of("new-secret", SECRET));
    assertThat(verifyInChunks(verifier, BODY, EXPECTED, 5)).isTrue();
    assertThat(verifyInChunks(verifier, BODY, SignatureVerifier.sign("new-secret", BODY), 7))
        .isTrue();
    assertThat(verifyInChunks(verifier, BODY, SignatureVerifier.sign("retired-secret", BODY), 7))
        .isFalse();
  }

  @Test
  void rejectsASignatureOverDifferentBytes() {
    byte[] tampered = "Hello, World?".getBytes(StandardCharsets.UTF_8);
    assertThat(
            verifyInChunks(
                new StreamingSignatureVerifier(List.of(SECRET)), tampered, EXPECTED, 3, 9))
        .isFalse();
  }

  @Test
  void agreesWithSignatureVerifierOnALargeBody() {
    byte[] large = new byte[3 * 1024 * 1024 + 17];
    new java.util.Random(19).nextBytes(large);
    String header = SignatureVerifier.sign("s3cret", large);
    assertThat(new SignatureVerifier(List.of("s3cret")).verify(large, header)).isTrue();
    assertThat(
            verifyInChunks(
                new StreamingSignatureVerifier(List.of("other", "s3cret")),
                large,
                header,
                8192,
                65536,
                1024 * 1024,
                3 * 1024 * 1024))
        .isTrue();
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(
      strings = {
        "",
        "sha256=",
        "sha1=757107ea0eb2509fc211221cce984b8a37570b6d",
        "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e1",
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e1z",
        "SHA256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
      })
  void refusesMissingAndMalformedHeadersBeforeAnyByte(String header) {
    assertThat(new StreamingSignatureVerifier(List.of(SECRET)).begin(header)).isNull();
  }

  @Test
  void withNoSecretNothingVerifies() {
    assertThat(verifyInChunks(new StreamingSignatureVerifier(List.of()), BODY, EXPECTED)).isFalse();
  }
}
