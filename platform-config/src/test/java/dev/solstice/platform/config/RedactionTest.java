package dev.solstice.platform.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactionTest {

  @Test
  void masksOnlyThePasswordOfTheUserInfo() {
    assertThat(Redaction.password("amqp://guest:guest@127.0.0.1:5672/%2f"))
        .isEqualTo("amqp://guest:***@127.0.0.1:5672/%2f");
  }

  @Test
  void keepsUrlsWithoutPasswordAsTheyAre() {
    assertThat(Redaction.password("amqp://127.0.0.1:5672/%2f"))
        .isEqualTo("amqp://127.0.0.1:5672/%2f");
    assertThat(Redaction.password("amqp://bot@mq/vh")).isEqualTo("amqp://bot@mq/vh");
  }

  @Test
  void masksPercentEncodedPasswords() {
    assertThat(Redaction.password("amqp://bot:p%40ss@mq/vh")).isEqualTo("amqp://bot:***@mq/vh");
  }

  @Test
  void masksAValueThatIsNotAUrlEntirely() {
    assertThat(Redaction.password("not a url with a secret")).isEqualTo("***");
  }

  @Test
  void userInfoMasksTheWholeUserPart() {
    assertThat(Redaction.userInfo("redis://user:hunter2@redis:6379/0"))
        .isEqualTo("redis://***@redis:6379/0");
    assertThat(Redaction.userInfo("redis://hunter2@redis")).isEqualTo("redis://***@redis");
    assertThat(Redaction.userInfo("redis://redis:6379")).isEqualTo("redis://redis:6379");
    assertThat(Redaction.userInfo(null)).isNull();
  }

  @Test
  void secretsAreNeverShown() {
    assertThat(Redaction.secret("hunter2")).isEqualTo("***");
    assertThat(Redaction.secret(null)).isEqualTo("none");
    Catalogue catalogue =
        Catalogue.of(
            Variable.secret("TOKEN", "none", "a token"), Variable.of("URL", "none", "a URL"));
    assertThat(catalogue.redacted(Map.of("TOKEN", "hunter2", "URL", "amqp://u:pw@h", "OTHER", "x")))
        .containsExactly(Map.entry("TOKEN", "***"), Map.entry("URL", "amqp://***@h"));
  }
}
