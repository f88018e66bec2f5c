package dev.solstice.integration.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The deliveries page's query string: filters read, every problem named, paging links kept. */
class DeliveryQueryTest {

  private static DeliveryQuery parse(String... kv) {
    MultiMap params = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < kv.length; i += 2) {
      params.add(kv[i], kv[i + 1]);
    }
    return DeliveryQuery.parse(params);
  }

  @Test
  void noParametersFilterNothing() {
    DeliveryQuery q = parse();
    assertThat(q.problems()).isEmpty();
    assertThat(q.page()).isZero();
    assertThat(q.filter().installationId()).isNull();
    assertThat(q.filter().from()).isNull();
  }

  @Test
  void filtersAreReadAndBlanksIgnored() {
    DeliveryQuery q =
        parse(
            "installation", " 42 ",
            "repository", "octo/hello.js",
            "event", "pull_request",
            "outcome", "PARKED",
            "from", "2026-12-07T20:15",
            "to", "2026-12-07T21:00:00Z",
            "page", "3",
            "ignored", "x");
    assertThat(q.problems()).isEmpty();
    assertThat(q.filter().installationId()).isEqualTo(42L);
    assertThat(q.filter().repository()).isEqualTo("octo/hello.js");
    assertThat(q.filter().event()).isEqualTo("pull_request");
    assertThat(q.filter().outcome()).isEqualTo("parked");
    assertThat(q.filter().from()).isEqualTo(Instant.parse("2026-12-07T20:15:00Z"));
    assertThat(q.filter().to()).isEqualTo(Instant.parse("2026-12-07T21:00:00Z"));
    assertThat(q.page()).isEqualTo(3);
    assertThat(parse("event", "  ").filter().event()).isNull();
  }

  @Test
  void everyBadValueIsNamedAtOnce() {
    DeliveryQuery q =
        parse(
            "installation", "1 OR 1=1",
            "repository", "octo",
            "event", "Push!",
            "outcome", "lost",
            "from", "yesterday",
            "to", "2026-13-01T00:00",
            "page", "-1");
    assertThat(q.problems())
        .hasSize(7)
        .anySatisfy(p -> assertThat(p).startsWith("Installation: expected a number"))
        .anySatisfy(p -> assertThat(p).startsWith("Repository: expected owner/name"))
        .anySatisfy(p -> assertThat(p).startsWith("Event:"))
        .anySatisfy(p -> assertThat(p).startsWith("Outcome: expected one of received"))
        .anySatisfy(p -> assertThat(p).startsWith("From:").contains("yesterday"))
        .anySatisfy(p -> assertThat(p).startsWith("To:"))
        .anySatisfy(p -> assertThat(p).startsWith("Page:"));
  }

  @Test
  void pageLinksKeepTheFiltersEncoded() {
    DeliveryQuery q = parse("repository", "octo/a-b", "from", "2026-12-07T20:15", "page", "1");
    assertThat(q.pageLink(2))
        .isEqualTo("/console?repository=octo%2Fa-b&from=2026-12-07T20%3A15&page=2");
  }
}
