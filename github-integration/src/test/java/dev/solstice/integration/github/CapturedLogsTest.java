package dev.solstice.integration.github;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The leak detector itself must be able to fail. */
class CapturedLogsTest {

  @Test
  void failsWhenASecretIsLogged() {
    CapturedLogs logs = new CapturedLogs();
    logs.beforeAll(null);
    logs.secret("ghs_thisIsASecretInstallationToken");
    LoggerFactory.getLogger(CapturedLogsTest.class)
        .info("calling with {}", "ghs_thisIsASecretInstallationToken");
    assertThatThrownBy(() -> logs.afterAll(null))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("must not contain a secret");
  }

  @Test
  void failsWhenASecretIsInAStackTrace() {
    CapturedLogs logs = new CapturedLogs();
    logs.beforeAll(null);
    logs.secret("ghs_anotherSecretToken");
    LoggerFactory.getLogger(CapturedLogsTest.class)
        .warn("failed", new IllegalStateException("token ghs_anotherSecretToken refused"));
    assertThatThrownBy(() -> logs.afterAll(null)).isInstanceOf(AssertionError.class);
  }

  @Test
  void passesOnCleanLogs() {
    CapturedLogs logs = new CapturedLogs();
    logs.beforeAll(null);
    logs.secret("ghs_notLoggedAnywhere");
    LoggerFactory.getLogger(CapturedLogsTest.class).info("nothing secret here");
    assertThatCode(() -> logs.afterAll(null)).doesNotThrowAnyException();
  }
}
