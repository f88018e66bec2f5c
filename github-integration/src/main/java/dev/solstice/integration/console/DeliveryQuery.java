package dev.solstice.integration.console;

import dev.solstice.integration.record.DeliveryEntry;
import dev.solstice.integration.record.RecordQueries.DeliveryFilter;
import io.vertx.core.MultiMap;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The deliveries page's query string: the filters and the page, checked, with every problem named
 * (a bad filter is a 400 page that keeps the form, never a 500).
 *
 * @param values the raw values as given (to fill the form again and build paging links)
 */
record DeliveryQuery(
    DeliveryFilter filter, int page, Map<String, String> values, List<String> problems) {

  static final List<String> OUTCOMES =
      Arrays.stream(DeliveryEntry.Outcome.values()).map(DeliveryEntry.Outcome::column).toList();

  private static final Pattern REPOSITORY = Pattern.compile("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+");
  private static final Pattern EVENT = Pattern.compile("[a-z_]{1,64}");
  static final List<String> FIELDS =
      List.of("installation", "repository", "event", "outcome", "from", "to");

  static DeliveryQuery parse(MultiMap params) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String f : FIELDS) {
      String v = params.get(f);
      if (v != null && !v.isBlank()) {
        values.put(f, v.trim());
      }
    }
    List<String> problems = new ArrayList<>();
    Long installation = null;
    if (values.containsKey("installation")) {
      try {
        installation = Long.parseLong(values.get("installation"));
      } catch (NumberFormatException e) {
        problems.add("Installation: expected a number, got \"" + values.get("installation") + "\"");
      }
    }
    String repository = values.get("repository");
    if (repository != null && !REPOSITORY.matcher(repository).matches()) {
      problems.add("Repository: expected owner/name, got \"" + repository + "\"");
      repository = null;
    }
    String event = values.get("event");
    if (event != null && !EVENT.matcher(event).matches()) {
      problems.add("Event: expected an event name such as push, got \"" + event + "\"");
      event = null;
    }
    String outcome = values.get("outcome");
    if (outcome != null) {
      outcome = outcome.toLowerCase(Locale.ROOT);
      if (!OUTCOMES.contains(outcome)) {
        problems.add("Outcome: expected one of " + String.join(", ", OUTCOMES));
        outcome = null;
      }
    }
    Instant from = time("From", values.get("from"), problems);
    Instant to = time("To", values.get("to"), problems);
    int page = 0;
    String rawPage = params.get("page");
    if (rawPage != null && !rawPage.isBlank()) {
      try {
        page = Integer.parseInt(rawPage.trim());
        if (page < 0 || page > 100_000) {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        problems.add("Page: expected a number from 0, got \"" + rawPage + "\"");
        page = 0;
      }
    }
    return new DeliveryQuery(
        new DeliveryFilter(installation, repository, event, outcome, from, to),
        page,
        values,
        problems);
  }

  /** A time from a {@code datetime-local} field (read as UTC) or an ISO-8601 instant. */
  private static Instant time(String label, String value, List<String> problems) {
    if (value == null) {
      return null;
    }
    try {
      return value.endsWith("Z")
          ? Instant.parse(value)
          : LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      problems.add(
          label + ": expected a time such as 2026-12-07T20:15 (UTC), got \"" + value + "\"");
      return null;
    }
  }

  /** The query string of another page of the same filters. */
  String pageLink(int other) {
    StringBuilder q = new StringBuilder(ConsoleHtml.BASE).append('?');
    values.forEach(
        (k, v) ->
            q.append(k)
                .append('=')
                .append(java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8))
                .append('&'));
    return q.append("page=").append(other).toString();
  }
}
