package dev.solstice.integration.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class SignatureVerifierTest {

  // GitHub's published test vector: docs "Validating webhook deliveries".
  private static final String SECRET = "It's a Secret to Everybody";
  private static final byte[] BODY = "Hello, World!".getBytes(StandardCharsets.UTF_8);
  private static final String EXPECTED =
      "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

  @Test
  void signsGitHubsTestVectorAsGitHubDoes() {
    assertThat(SignatureVerifier.sign(SECRET, BODY)).isEqualTo(EXPECTED);
  }

  @Test
  void acceptsGitHubsTestVector() {
    assertThat(new SignatureVerifier(List.of(SECRET)).verify(BODY, EXPECTED)).isTrue();
  }

  @Test
  void acceptsASignatureByAnyOfTheRotatingSecrets() {
    SignatureVerifier verifier = new SignatureVerifier(List.of("new-secret", SECRET));
    assertThat(verifier.verify(BODY, EXPECTED)).isTrue();
    assertThat(verifier.verify(BODY, SignatureVerifier.sign("new-secret", BODY))).isTrue();
    assertThat(verifier.verify(BODY, SignatureVerifier.sign("retired-secret", BODY))).isFalse();
  }

  @Test
  void rejectsASignatureOverDifferentBytes() {
    byte[] tampered = "Hello, World?".getBytes(StandardCharsets.UTF_8);
    assertThat(new SignatureVerifier(List.of(SECRET)).verify(tampered, EXPECTED)).isFalse();
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
  void rejectsMissingAndMalformedHeaders(String header) {
    assertThat(new SignatureVerifier(List.of(SECRET)).verify(BODY, header)).isFalse();
  }

  @Test
  void withNoSecretNothingVerifies() {
    assertThat(new SignatureVerifier(List.of()).verify(BODY, EXPECTED)).isFalse();
  }
}
