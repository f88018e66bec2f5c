package dev.solstice.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {

  @Test
  void defaultsOfAFullRun() {
    BenchOptions o = BenchOptions.parse(new String[0]);
    assertThat(o.smoke()).isFalse();
    assertThat(o.phaseSeconds()).isEqualTo(30);
    assertThat(o.warmupSeconds()).isEqualTo(15);
    assertThat(o.coldStarts()).isEqualTo(3);
    assertThat(o.concurrency()).isEqualTo(64);
    assertThat(o.outDir()).isEqualTo(Path.of("docs/bench"));
    assertThat(o.doc()).isEqualTo(Path.of("docs/benchmarks.md"));
    assertThat(o.commandLine()).isEqualTo("java -jar bench/target/solstice-bench.jar ");
  }

  @Test
  void smokeShortensPhasesAndKeepsResultsOutOfDocs() {
    BenchOptions o = BenchOptions.parse(new String[] {"--smoke", "--repos", "8"});
    assertThat(o.smoke()).isTrue();
    assertThat(o.phaseSeconds()).isEqualTo(4);
    assertThat(o.coldStarts()).isEqualTo(1);
    assertThat(o.repos()).isEqualTo(8);
    assertThat(o.outDir()).isEqualTo(Path.of("bench/target/bench-smoke"));
    assertThat(o.doc()).isEqualTo(Path.of("bench/target/bench-smoke/benchmarks.md"));
  }

  @Test
  void budgetDerivesThePhaseLength() {
    assertThat(BenchOptions.parse(new String[] {"--budget", "240"}).phaseSeconds()).isEqualTo(40);
    assertThat(BenchOptions.parse(new String[] {"--budget", "240", "--duration=7"}).phaseSeconds())
        .isEqualTo(7);
  }

  @Test
  void helpUnknownOptionsAndMissingValuesAreUsageErrors() {
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--help"}))
        .isInstanceOf(BenchOptions.UsageException.class)
        .hasMessageContaining("--smoke");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--fast"}))
        .isInstanceOf(BenchOptions.UsageException.class)
        .hasMessageStartingWith("unknown option --fast");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--out"}))
        .isInstanceOf(BenchOptions.UsageException.class)
        .hasMessage("--out needs a value");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--concurrency", "0"}))
        .isInstanceOf(BenchOptions.UsageException.class)
        .hasMessageContaining("must be positive");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--repos", "many"}))
        .isInstanceOf(BenchOptions.UsageException.class)
        .hasMessageContaining("--repos");
  }
}
