package dev.solstice.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactionTest {

  @Test
  void masksOnlyThePasswordOfTheUserInfo() {
    assertThat(Redaction.url("amqp://guest:guest@127.0.0.1:5672/%2f")).isEqualTo("amqp://guest:***@127.0.0.1:5672/%2f");
  }

  @Test
  void keepsUrlsWithoutPasswordAsTheyAre() {
    assertThat(Redaction.url("amqp://127.0.0.1:5672/%2f")).isEqualTo("amqp://127.0.0.1:5672/%2f");
    assertThat(Redaction.url("amqp://bot@mq/vh")).isEqualTo("amqp://bot@mq/vh");
  }

  @Test
  void masksPercentEncodedPasswords() {
    assertThat(Redaction.url("amqp://bot:p%40ss@mq/vh")).isEqualTo("amqp://bot:***@mq/vh");
  }

  @Test
  void masksAValueThatIsNotAUrlEntirely() {
    assertThat(Redaction.url("not a url with a secret")).isEqualTo("***");
  }
}
