package dev.solstice.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.ParameterException;

class MainTest {

  @Test
  void helpNamesBothFlagsAndEveryVariable() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Main.usage(new PrintStream(out, true, StandardCharsets.UTF_8));

    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains(
            "--execute",
            "--help",
            "AMQP_URL",
            "AMQP_EXCHANGE",
            "AMQP_ROUTING_KEY",
            "AMQP_QUEUE",
            "AMQP_DLX",
            "AMQP_DLQ",
            "AMQP_RESULTS_EXCHANGE",
            "AMQP_RESULTS_ROUTING_KEY",
            "AMQP_RESULTS_QUEUE",
            "AMQP_RESULTS_DLQ",
            "AMQP_QUORUM",
            "STUB_PREFETCH",
            "STUB_EXECUTE",
            "STUB_DEFAULT_OUTCOME",
            "STUB_DEFAULT_DURATION_MS",
            "S3_ENDPOINT",
            "S3_BUCKET",
            "S3_REGION",
            "S3_ACCESS_KEY",
            "S3_SECRET_KEY",
            "SOLSTICE_STUB_OUTCOME",
            "SOLSTICE_STUB_DURATION_MS");
  }

  @Test
  void parsesExecuteAndHelpAndNamesAnUnknownArgument() {
    assertThat(Main.parse("--execute").execute).isTrue();
    assertThat(Main.parse().execute).isFalse();
    assertThat(Main.parse("-h").help.requested()).isTrue();
    assertThat(Main.parse("--help").help.requested()).isTrue();
    assertThatThrownBy(() -> Main.parse("--exec"))
        .isInstanceOfSatisfying(
            ParameterException.class,
            e -> assertThat(Main.problem(e)).isEqualTo("unknown argument: --exec"));
  }

  @Test
  void helpShowsEachVariableWithItsDefault() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Main.usage(new PrintStream(out, true, StandardCharsets.UTF_8));
    for (var v : StubSettings.CATALOGUE.variables()) {
      assertThat(out.toString(StandardCharsets.UTF_8))
          .contains(v.name())
          .contains("[" + v.defaultValue() + "]");
    }
  }

  @Test
  void catalogueListsEveryVariableTheStubReads() throws Exception {
    Path root = Path.of(System.getProperty("solstice.root", ".."));
    Pattern read = Pattern.compile("in\\.\\w+\\(\\s*\"([A-Z][A-Z0-9_]+)\"");
    Set<String> names = new TreeSet<>();
    // The stub's own settings, and the S3 settings it shares with the service (platform-config).
    for (Path main :
        List.of(
            root.resolve("orchestrator-stub/src/main/java"),
            root.resolve(
                "platform-config/src/main/java/dev/solstice/platform/config/S3Settings.java"))) {
      try (var files = Files.walk(main)) {
        for (Path file : files.filter(p -> p.toString().endsWith("Settings.java")).toList()) {
          Matcher m = read.matcher(Files.readString(file));
          while (m.find()) {
            names.add(m.group(1));
          }
        }
      }
    }
    assertThat(names)
        .as("variables read by the stub")
        .contains("AMQP_URL", "STUB_PREFETCH", "S3_SECRET_KEY");
    assertThat(StubSettings.CATALOGUE.names()).containsAll(names);
  }
}
