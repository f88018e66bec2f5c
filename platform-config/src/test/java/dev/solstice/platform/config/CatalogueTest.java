package dev.solstice.platform.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CatalogueTest {

  private final Catalogue catalogue =
      Catalogue.of(
          Variable.of("HTTP_ADDR", "0.0.0.0:8082", "listen address"),
          Variable.secret("WEBHOOK_SECRET", "required", "a | b"));

  @Test
  void helpTextAlignsNamesAndShowsDefaults() {
    assertThat(catalogue.text("  "))
        .isEqualTo(
            """
          HTTP_ADDR       listen address [0.0.0.0:8082]
          WEBHOOK_SECRET  a | b [required]
        """);
  }

  @Test
  void markdownTableEscapesPipes() {
    assertThat(catalogue.markdownTable())
        .isEqualTo(
            """
        | variable | default | meaning |
        |---|---|---|
        | `HTTP_ADDR` | 0.0.0.0:8082 | listen address |
        | `WEBHOOK_SECRET` | required | a \\| b |
        """);
    assertThat(catalogue.names()).containsExactlyInAnyOrder("HTTP_ADDR", "WEBHOOK_SECRET");
  }
}
