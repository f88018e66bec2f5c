package dev.solstice.integration.policy;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The markers that, in a push's head commit message, skip CI for that push, as GitHub Actions
 * honours them: {@code [skip ci]}, {@code [ci skip]}, {@code [no ci]}, plus our own {@code [skip
 * solstice]} and {@code [solstice skip]}. Case-insensitive, anywhere in the message.
 */
public final class SkipMarkers {

  public static final List<String> MARKERS =
      List.of("[skip ci]", "[ci skip]", "[no ci]", "[skip solstice]", "[solstice skip]");

  private SkipMarkers() {}

  /** The marker the message carries, if any. */
  public static Optional<String> find(String commitMessage) {
    if (commitMessage == null) {
      return Optional.empty();
    }
    String lower = commitMessage.toLowerCase(Locale.ROOT);
    return MARKERS.stream().filter(lower::contains).findFirst();
  }
}
