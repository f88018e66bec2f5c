package dev.solstice.integration.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solstice.integration.config.Help;
import dev.solstice.platform.config.Variable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** --help, docs/configuration.md and the code agree on every variable. */
class ConfigurationDocsTest {

  private static final Path ROOT = Path.of(System.getProperty("solstice.root", ".."));
  private static final Pattern ENV_READ =
      Pattern.compile(
          "(?:raw|optional|string|integer|positiveInt|positiveLong|nonNegativeLong|bool|strictBool|duration|positiveDuration|durations|list|uri|hostUri|parsed|env\\.get|env\\.getOrDefault|"
              + "positiveLong\\(env,|duration\\(env,|blankToNull\\(env\\.get)\\(?\\s*\"([A-Z][A-Z0-9_]+)\"");

  @Test
  void configurationDocShowsExactlyTheHelpTable() throws IOException {
    String doc = Files.readString(ROOT.resolve("docs/configuration.md"));
    assertThat(doc).contains(Help.markdownTable());
  }

  @Test
  void helpListsEveryVariableTheServiceReads() throws IOException {
    Set<String> read = new TreeSet<>();
    // The service reads the jobs and results flows through platform-amqp's TopologyEnv.
    for (String dir : List.of("github-integration/src/main/java", "platform-amqp/src/main/java")) {
      try (Stream<Path> files = Files.walk(ROOT.resolve(dir))) {
        for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
          Matcher m = ENV_READ.matcher(Files.readString(file));
          while (m.find()) {
            read.add(m.group(1));
          }
        }
      }
    }
    Set<String> documented =
        Help.VARIABLES.stream().map(Variable::name).collect(Collectors.toSet());
    assertThat(read)
        .as("variables read by the code")
        .isNotEmpty()
        .contains("HTTP_ADDR", "GITHUB_APP_ID");
    assertThat(documented).containsAll(read);
  }

  @Test
  void helpTextShowsEachVariableWithItsDefault() {
    String help = Help.text();
    for (Variable v : Help.VARIABLES) {
      assertThat(help).contains(v.name()).contains("[" + v.defaultValue() + "]");
    }
  }
}
