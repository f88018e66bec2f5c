package dev.solstice.integration.workflow;

import java.util.Collection;
import java.util.Optional;
import org.apache.commons.text.similarity.LevenshteinDistance;

/** "Did you mean" for a misspelt name: the closest known name, when it is close enough. */
final class Suggestions {

  /** At most this many edits (one for names of one or two letters) to count as a typo. */
  private static final int MAX_EDITS = 2;

  private static final LevenshteinDistance DISTANCE = new LevenshteinDistance(MAX_EDITS);

  private Suggestions() {}

  static Optional<String> closest(String word, Collection<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      int d = DISTANCE.apply(word.toLowerCase(java.util.Locale.ROOT), candidate);
      int allowed = Math.max(word.length(), candidate.length()) >= 3 ? MAX_EDITS : 1;
      if (d >= 0 && d < bestDistance && d <= allowed) {
        best = candidate;
        bestDistance = d;
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * {@code "; did you mean 'script'? expected runs_on, script or env"}, or without the question
   * when no name is close.
   */
  static String hint(String word, Collection<String> known) {
    String expected = list(known);
    return closest(word, known)
        .map(s -> "; did you mean '" + s + "'? expected " + expected)
        .orElse("; expected " + expected);
  }

  static String list(Collection<String> names) {
    var all = names.stream().toList();
    if (all.size() == 1) {
      return all.get(0);
    }
    return String.join(", ", all.subList(0, all.size() - 1)) + " or " + all.get(all.size() - 1);
  }
}
