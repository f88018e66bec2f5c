package dev.solstice.integration.pages;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AnsiHtmlTest {

  @Test
  void aColourCarriesOverLineEndsAndEachLineClosesItsSpans() {
    assertThat(AnsiHtml.lines("\u001b[33mone\ntwo\u001b[0m three\n"))
        .containsExactly(
            "<span class=\"ansi-fg-3\">one</span>", "<span class=\"ansi-fg-3\">two</span> three");
  }

  @Test
  void brightAndBackgroundColoursBoldAndResets() {
    assertThat(AnsiHtml.lines("\u001b[1;92;41mok\u001b[22m!\u001b[39;49m."))
        .containsExactly(
            "<span class=\"ansi-fg-10 ansi-bg-1 ansi-bold\">ok</span>"
                + "<span class=\"ansi-fg-10 ansi-bg-1\">!</span>.");
  }

  @Test
  void otherEscapesAreDroppedAndTextIsEscaped() {
    assertThat(AnsiHtml.lines("\u001b[2K\u001b[1G<script>&\r\nx"))
        .containsExactly("&lt;script&gt;&amp;", "x");
  }
}
