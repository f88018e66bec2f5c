package dev.solstice.platform.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest(name = "{0} = {1} ms")
  @CsvSource({
    "500ms, 500", "0ms, 0", "30s, 30000", "5m, 300000", "6h, 21600000", "30d, 2592000000",
    "30, 30000", "'10 s', 10000", "2H, 7200000", "PT5M, 300000", "pt20s, 20000", "P3D, 259200000",
    "PT0.25S, 250"
  })
  void acceptsEveryDocumentedForm(String text, long millis) {
    assertThat(Durations.parse(text)).contains(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "soon", "5 minutes", "1.5h", "-5s", "5w", "PT-5S", "ms", "s"})
  void refusesAnythingElse(String text) {
    assertThat(Durations.parse(text)).isEmpty();
  }
}
