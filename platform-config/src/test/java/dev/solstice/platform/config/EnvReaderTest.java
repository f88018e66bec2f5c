package dev.solstice.platform.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EnvReaderTest {

  @Test
  void unsetAndBlankValuesGiveTheFallback() {
    EnvReader in = new EnvReader(Map.of("BLANK", "  "));
    assertThat(in.string("BLANK", "d")).isEqualTo("d");
    assertThat(in.raw("UNSET")).isNull();
    assertThat(in.optional("BLANK")).isEmpty();
    assertThat(in.integer("UNSET", 7, 1, 10)).isEqualTo(7);
    assertThat(in.duration("BLANK", Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
    assertThat(in.list("UNSET")).isEmpty();
    assertThat(in.uri("UNSET", null, "http")).isNull();
    assertThat(in.errors()).isEmpty();
  }

  @Test
  void readsEachType() {
    EnvReader in =
        new EnvReader(
            Map.of(
                "S",
                " text ",
                "I",
                "80",
                "L",
                "12",
                "B",
                "yes",
                "SB",
                "FALSE",
                "D",
                "30d",
                "DS",
                "5s, 30s,2m",
                "LIST",
                "a, ,b",
                "U",
                "https://x.example/p",
                "H",
                "AMQP://mq"));
    assertThat(in.string("S", null)).isEqualTo("text");
    assertThat(in.integer("I", 0, 1, 65535)).isEqualTo(80);
    assertThat(in.positiveInt("I", 0, 100)).isEqualTo(80);
    assertThat(in.positiveLong("L", null)).isEqualTo(12);
    assertThat(in.nonNegativeLong("L", 0)).isEqualTo(12);
    assertThat(in.bool("B", false)).isTrue();
    assertThat(in.strictBool("SB", true)).isFalse();
    assertThat(in.duration("D", null)).isEqualTo(Duration.ofDays(30));
    assertThat(in.positiveDuration("D", null)).isEqualTo(Duration.ofDays(30));
    assertThat(in.durations("DS", null))
        .containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(2));
    assertThat(in.list("LIST")).containsExactly("a", "b");
    assertThat(in.uri("U", null, "http", "https")).isEqualTo(URI.create("https://x.example/p"));
    assertThat(in.hostUri("H", "amqp", "amqps")).contains(URI.create("AMQP://mq"));
    assertThat(in.parsed("S", 0, v -> Optional.of(v.length()), "expected text")).isEqualTo(4);
    assertThat(in.errors()).isEmpty();
  }

  @Test
  void everyProblemNamesItsVariableAndTheyAreReportedTogether() {
    EnvReader in =
        new EnvReader(
            Map.of(
                "CI_HTTP_PORT",
                "80a",
                "P",
                "0",
                "L",
                "-1",
                "N",
                "-5",
                "B",
                "maybe",
                "SB",
                "yes",
                "D",
                "soon",
                "DS",
                "5s,0s",
                "U",
                "ftp://user:hunter2@x",
                "H",
                "http://bot:hunter2@mq"));
    in.integer("CI_HTTP_PORT", 8080, 1, 65535);
    in.positiveInt("P", 1, 10);
    in.positiveLong("L", 1L);
    in.positiveLong("REQUIRED", null);
    in.nonNegativeLong("N", 0);
    in.bool("B", false);
    in.strictBool("SB", false);
    in.duration("D", Duration.ZERO);
    in.durations("DS", List.of());
    in.uri("U", null, "http", "https");
    in.hostUri("H", "amqps", "amqp");
    in.require(false, "A, B: set both or neither");

    assertThatThrownBy(in::check)
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        "CI_HTTP_PORT: expected an integer from 1 to 65535, got \"80a\"",
                        "P: expected a positive integer up to 10, got \"0\"",
                        "L: expected a positive integer, got \"-1\"",
                        "REQUIRED: required, a positive integer",
                        "N: expected a non-negative integer, got \"-5\"",
                        "B: expected true or false, got \"maybe\"",
                        "SB: expected true or false, got \"yes\"",
                        "D: expected a duration such as 500ms, 30s, 5m, 6h, 30d or PT5M, got \"soon\"",
                        "DS: expected a comma-separated list of durations such as 5s,30s,2m, got \"5s,0s\"",
                        "U: expected a http or https URL, got \"ftp://***@x\"",
                        "H: expected an amqp or amqps URL with a host",
                        "A, B: set both or neither"));
  }

  @Test
  void aTimeToLiveMustBeLongerThanZero() {
    EnvReader in = new EnvReader(Map.of("TTL", "0s"));
    assertThat(in.positiveDuration("TTL", Duration.ofDays(1))).isEqualTo(Duration.ofDays(1));
    assertThat(in.errors())
        .containsExactly(
            "TTL: expected a duration longer than zero such as 500ms, 30s, 5m, 6h, 30d or PT5M, got \"0s\"");
  }

  @Test
  void checkThrowsTheCallersExceptionAndNothingWhenAllIsWell() {
    EnvReader ok = new EnvReader(Map.of("I", "1"));
    ok.integer("I", 0, 0, 1);
    ok.check();
    EnvReader bad = new EnvReader(Map.of("I", "2"));
    bad.integer("I", 0, 0, 1);
    assertThatThrownBy(
            () -> bad.check(problems -> new IllegalStateException(String.join(";", problems))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("I: ");
  }

  @Test
  void readersCanShareOneListOfProblems() {
    List<String> problems = new java.util.ArrayList<>();
    new EnvReader(Map.of("A", "x"), problems).bool("A", false);
    new EnvReader(Map.of("B", "x"), problems).bool("B", false);
    assertThat(problems).hasSize(2);
  }

  @Test
  void duplicateProblemsAreReportedOnce() {
    assertThat(new InvalidConfigurationException(List.of("A: x", "A: x", "B: y")).problems())
        .containsExactly("A: x", "B: y");
  }
}
