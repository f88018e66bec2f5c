package dev.solstice.integration.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GlobTest {

  @ParameterizedTest(name = "{0} ~ {1} = {2}")
  @CsvSource({
    "main, main, true",
    "main, mainline, false",
    "release/*, release/1.0, true",
    "release/*, release/1.0/hotfix, false",
    "release/**, release/1.0/hotfix, true",
    "feature-*, feature-login, true",
    "*, feature/x, false",
    "**, feature/x, true",
    "src/**, src/main/App.java, true",
    "src/**, src, false",
    "src/**, docs/src/x, false",
    "**/*.md, README.md, true",
    "**/*.md, docs/a/b.md, true",
    "**/*.md, docs/a/b.mdx, false",
    "docs/**/*.md, docs/x.md, true",
    "*.java, App.java, true",
    "*.java, src/App.java, false",
    "v?.?, v1.2, true",
    "v?.?, v1.23, false",
    "v[0-9].*, v1.x, true",
    "v[0-9].*, va.x, false",
    "v[!0-9]*, vx, true",
    "v[!0-9]*, v1, false",
    "a+b(c), a+b(c), true",
    "a.b, aXb, false",
    "'dependabot\\[bot\\]', dependabot[bot], true",
  })
  void matchesLikeActionsFilters(String glob, String value, boolean expected) {
    assertThat(Glob.compile(glob).matches(value)).isEqualTo(expected);
  }

  @Test
  void ignoreCaseForRepositoryNames() {
    assertThat(Glob.compileIgnoreCase("Codertocat/*").matches("codertocat/hello-world")).isTrue();
    assertThat(Glob.compile("Codertocat/*").matches("codertocat/hello-world")).isFalse();
  }

  @Test
  void refusesEmptyAndUnclosedPatterns() {
    assertThatThrownBy(() -> Glob.compile("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Glob.compile("v[0-9"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unclosed");
  }

  @Test
  void patternListLastMatchWinsAndNegationsAlone() {
    PatternList branches =
        PatternList.of(List.of("release/**", "!release/**-alpha", "release/special-alpha"));
    assertThat(branches.matches("release/1.0")).isTrue();
    assertThat(branches.matches("release/1.0-alpha")).isFalse();
    assertThat(branches.matches("release/special-alpha")).isTrue();
    assertThat(branches.matches("main")).isFalse();
    PatternList onlyNot = PatternList.of(List.of("!docs/**"));
    assertThat(onlyNot.matches("src/a")).isTrue();
    assertThat(onlyNot.matches("docs/a")).isFalse();
    assertThat(PatternList.empty().matches("x")).isFalse();
    assertThat(PatternList.of(List.of("src/**")).matchesAny(List.of("docs/a.md", "src/b.java")))
        .isTrue();
    assertThatThrownBy(() -> PatternList.of(List.of("!")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
