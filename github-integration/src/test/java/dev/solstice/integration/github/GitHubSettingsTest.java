package dev.solstice.integration.github;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solstice.simulator.github.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up configuration: one clear message per problem, naming the variable; no secrets shown. */
class GitHubSettingsTest {
  static KeyPair keys;
  static String pkcs1;
  static final String CACHE_KEY = Base64.getEncoder().encodeToString(new byte[32]);

  @TempDir Path dir;

  @BeforeAll
  static void keys() {
    keys = TestKeys.generate();
    pkcs1 = TestKeys.pkcs1Pem(keys);
  }

  Map<String, String> env(String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void minimalPkcs1KeyFromPathWithDefaults() throws Exception {
    Path pem = Files.writeString(dir.resolve("app.pem"), pkcs1);
    List<String> errors = new ArrayList<>();
    GitHubSettings s =
        GitHubSettings.fromEnv(
            env("GITHUB_APP_ID", "123", "GITHUB_APP_KEY_PATH", pem.toString()), errors);
    assertThat(errors).isEmpty();
    assertThat(s.appId()).isEqualTo(123);
    assertThat(s.appKey().getModulus()).isEqualTo(TestKeys.privateKey(keys).getModulus());
    assertThat(s.apiBase()).hasToString("https://api.github.com");
    assertThat(s.retryPolicy()).isEqualTo(RetryPolicy.defaults());
    assertThat(s.pacing()).isEqualTo(PacingPolicy.defaults());
    assertThat(s.allowedWrites()).isEqualTo(WriteOperations.ALL);
    assertThat(s.sharedTokenCache()).isFalse();
  }

  @Test
  void pkcs8KeyAsTextAndAllKnobs() {
    List<String> errors = new ArrayList<>();
    GitHubSettings s =
        GitHubSettings.fromEnv(
            env(
                "GITHUB_API_BASE", "https://ghe.example.com/api/v3/",
                "GITHUB_APP_ID", "7",
                "GITHUB_APP_KEY", TestKeys.pkcs8Pem(keys).replace("\n", "\\n"),
                "GITHUB_TOKEN", "ghp_secretsecretsecret",
                "REDIS_URL", "redis://user:hunter2@redis:6379/0",
                "TOKEN_CACHE_KEY", CACHE_KEY,
                "GITHUB_MAX_RATE_LIMIT_WAIT", "90s",
                "GITHUB_WRITES_PER_MINUTE", "40",
                "GITHUB_WRITE_MIN_INTERVAL", "250ms",
                "GITHUB_REQUEST_TIMEOUT", "PT20S",
                "GITHUB_ALLOWED_WRITES", "checks/create, checks/update"),
            errors);
    assertThat(errors).isEmpty();
    assertThat(s.apiBase()).hasToString("https://ghe.example.com/api/v3");
    assertThat(s.retryPolicy().maxRateLimitWait()).isEqualTo(Duration.ofSeconds(90));
    assertThat(s.retryPolicy().requestTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(s.pacing().writesPerMinute()).isEqualTo(40);
    assertThat(s.pacing().minInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(s.allowedWrites()).containsExactlyInAnyOrder("checks/create", "checks/update");
    assertThat(s.sharedTokenCache()).isTrue();

    String shown = s.toString();
    assertThat(shown)
        .doesNotContain("ghp_secretsecretsecret")
        .doesNotContain("hunter2")
        .doesNotContain(CACHE_KEY)
        .contains("redis://***@redis:6379/0")
        .contains("appId=7");
    for (String line : pkcs1.split("\n")) {
      if (!line.startsWith("-----")) {
        assertThat(shown).doesNotContain(line);
      }
    }
  }

  @Test
  void base64EncodedPemIsAccepted() {
    List<String> errors = new ArrayList<>();
    GitHubSettings s =
        GitHubSettings.fromEnv(
            env(
                "GITHUB_APP_ID",
                "5",
                "GITHUB_APP_KEY",
                Base64.getEncoder()
                    .encodeToString(pkcs1.getBytes(java.nio.charset.StandardCharsets.US_ASCII))),
            errors);
    assertThat(errors).isEmpty();
    assertThat(s.appKey().getModulus()).isEqualTo(TestKeys.privateKey(keys).getModulus());
  }

  @Test
  void missingAppIdAndKey() {
    List<String> errors = new ArrayList<>();
    assertThat(GitHubSettings.fromEnv(env(), errors)).isNull();
    assertThat(errors)
        .containsExactly(
            "GITHUB_APP_ID: required, a positive integer",
            "GITHUB_APP_KEY_PATH: required (or GITHUB_APP_KEY with the PEM text): the GitHub App private key");
  }

  @Test
  void nonNumericAppId() {
    List<String> errors = new ArrayList<>();
    GitHubSettings.fromEnv(env("GITHUB_APP_ID", "abc", "GITHUB_APP_KEY", pkcs1), errors);
    assertThat(errors).containsExactly("GITHUB_APP_ID: expected a positive integer, got \"abc\"");
  }

  @Test
  void unreadablePemNamesTheVariableWithoutEchoingIt() {
    List<String> errors = new ArrayList<>();
    String garbage =
        "-----BEGIN RSA PRIVATE KEY-----\nTm90QUtleUF0QWxsSnVzdFNvbWVUZXh0\n-----END RSA PRIVATE KEY-----\n";
    GitHubSettings.fromEnv(env("GITHUB_APP_ID", "1", "GITHUB_APP_KEY", garbage), errors);
    assertThat(errors)
        .singleElement()
        .asString()
        .startsWith("GITHUB_APP_KEY: not a usable RSA private key")
        .doesNotContain("Tm90QUtleUF0QWxsSnVzdFNvbWVUZXh0");

    errors.clear();
    GitHubSettings.fromEnv(env("GITHUB_APP_ID", "1", "GITHUB_APP_KEY", "not a pem at all"), errors);
    assertThat(errors)
        .containsExactly(
            "GITHUB_APP_KEY: not a usable RSA private key: no PEM block found (expected BEGIN RSA PRIVATE KEY)");
  }

  @Test
  void missingKeyFile() {
    List<String> errors = new ArrayList<>();
    GitHubSettings.fromEnv(
        env("GITHUB_APP_ID", "1", "GITHUB_APP_KEY_PATH", dir.resolve("nope.pem").toString()),
        errors);
    assertThat(errors)
        .singleElement()
        .asString()
        .startsWith("GITHUB_APP_KEY_PATH: cannot read \"")
        .contains("nope.pem");
  }

  @Test
  void wrongKindOfKey() throws Exception {
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(256);
    String ecPem = TestKeys.pkcs8Pem(ec.generateKeyPair());
    List<String> errors = new ArrayList<>();
    GitHubSettings.fromEnv(env("GITHUB_APP_ID", "1", "GITHUB_APP_KEY", ecPem), errors);
    assertThat(errors)
        .containsExactly(
            "GITHUB_APP_KEY: not a usable RSA private key: GitHub App keys are RSA, this is EC");

    errors.clear();
    GitHubSettings.fromEnv(
        env("GITHUB_APP_ID", "1", "GITHUB_APP_KEY", TestKeys.publicPem(keys)), errors);
    assertThat(errors)
        .singleElement()
        .asString()
        .startsWith("GITHUB_APP_KEY: not a usable RSA private key: the PEM block is a");
  }

  @Test
  void redisNeedsAValidCacheKey() {
    List<String> errors = new ArrayList<>();
    GitHubSettings.fromEnv(
        env("GITHUB_APP_ID", "1", "GITHUB_APP_KEY", pkcs1, "REDIS_URL", "redis://127.0.0.1:6379"),
        errors);
    assertThat(errors)
        .singleElement()
        .asString()
        .startsWith("TOKEN_CACHE_KEY: required when REDIS_URL is set");

    errors.clear();
    GitHubSettings.fromEnv(
        env(
            "GITHUB_APP_ID",
            "1",
            "GITHUB_APP_KEY",
            pkcs1,
            "REDIS_URL",
            "redis://127.0.0.1:6379",
            "TOKEN_CACHE_KEY",
            Base64.getEncoder().encodeToString(new byte[16])),
        errors);
    assertThat(errors)
        .containsExactly("TOKEN_CACHE_KEY: expected base64 of 32 bytes (AES-256), got 16 bytes");
  }

  @Test
  void badKnobsAreEachReported() {
    List<String> errors = new ArrayList<>();
    GitHubSettings.fromEnv(
        env(
            "GITHUB_APP_ID",
            "1",
            "GITHUB_APP_KEY",
            pkcs1,
            "GITHUB_API_BASE",
            "ftp://x",
            "GITHUB_WRITES_PER_MINUTE",
            "-3",
            "GITHUB_MAX_RATE_LIMIT_WAIT",
            "soon",
            "GITHUB_ALLOWED_WRITES",
            "repos/delete"),
        errors);
    assertThat(errors).hasSize(4);
    assertThat(errors.get(0)).startsWith("GITHUB_API_BASE: expected an http(s) URL");
    assertThat(errors)
        .contains("GITHUB_WRITES_PER_MINUTE: expected a positive integer, got \"-3\"");
    assertThat(errors)
        .anySatisfy(
            e -> assertThat(e).startsWith("GITHUB_MAX_RATE_LIMIT_WAIT: expected a duration"));
    assertThat(errors)
        .anySatisfy(
            e ->
                assertThat(e)
                    .startsWith("GITHUB_ALLOWED_WRITES: unknown write operation \"repos/delete\""));
  }
}
