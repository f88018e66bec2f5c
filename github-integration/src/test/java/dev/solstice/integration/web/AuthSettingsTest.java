package dev.solstice.integration.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solstice.platform.config.EnvReader;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthSettingsTest {

  private static final URI PUBLIC = URI.create("https://ci.example.com/");

  private static AuthSettings read(Map<String, String> env, URI publicUrl, List<String> errors) {
    return AuthSettings.fromEnv(
        new EnvReader(env, errors),
        publicUrl,
        URI.create("https://github.com"),
        URI.create("https://api.github.com"));
  }

  @Test
  void loginNeedsTheClientIdItsSecretAndPublicUrl() {
    List<String> errors = new ArrayList<>();
    AuthSettings s =
        read(
            Map.of(
                "GITHUB_CLIENT_ID", "Iv1.abc",
                "GITHUB_CLIENT_SECRET", "shh",
                "CONSOLE_ADMINS", "Alice, octo/ops",
                "SESSION_MAX_AGE", "1h"),
            PUBLIC,
            errors);
    assertThat(errors).isEmpty();
    assertThat(s.loginEnabled()).isTrue();
    assertThat(s.callbackUrl()).isEqualTo("https://ci.example.com/auth/github/callback");
    assertThat(s.admins()).containsExactly("alice", "octo/ops");
    assertThat(s.sessionMaxAge()).isEqualTo(Duration.ofHours(1));
    assertThat(s.toString()).doesNotContain("shh").contains("clientSecret=***");
  }

  @Test
  void everyProblemIsNamed() {
    List<String> errors = new ArrayList<>();
    read(
        Map.of(
            "GITHUB_CLIENT_ID", "Iv1.abc",
            "SESSION_SECRET", "short",
            "CONSOLE_ADMINS", "a b"),
        null,
        errors);
    assertThat(errors)
        .anySatisfy(e -> assertThat(e).startsWith("GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET"))
        .anySatisfy(
            e -> assertThat(e).startsWith("GITHUB_CLIENT_ID: GitHub login needs PUBLIC_URL"))
        .anySatisfy(e -> assertThat(e).startsWith("SESSION_SECRET: expected at least 32"))
        .anySatisfy(e -> assertThat(e).startsWith("CONSOLE_ADMINS: expected"))
        .noneSatisfy(e -> assertThat(e).contains("short"));
  }

  @Test
  void withoutAClientThereIsNoLogin() {
    List<String> errors = new ArrayList<>();
    AuthSettings s = read(Map.of("PUBLIC_REPOS_ANONYMOUS", "true"), PUBLIC, errors);
    assertThat(errors).isEmpty();
    assertThat(s.loginEnabled()).isFalse();
    assertThat(s.publicReposAnonymous()).isTrue();
  }

  @Test
  void theLoginReturnsOnlyToAPathOfThisSite() {
    assertThat(GitHubLogin.localPath("/jobs/1?x=2")).isEqualTo("/jobs/1?x=2");
    assertThat(GitHubLogin.localPath("//evil.example/x")).isEqualTo("/");
    assertThat(GitHubLogin.localPath("/\\evil.example")).isEqualTo("/");
    assertThat(GitHubLogin.localPath("https://evil.example/")).isEqualTo("/");
    assertThat(GitHubLogin.localPath("/a\nb")).isEqualTo("/");
    assertThat(GitHubLogin.localPath(null)).isEqualTo("/");
  }
}
