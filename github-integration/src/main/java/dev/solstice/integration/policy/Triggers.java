package dev.solstice.integration.policy;

/**
 * A workflow's {@code on} section: which events run it, and whose.
 *
 * @param push null when pushes do not run the workflow
 * @param pullRequest null when pull requests do not run the workflow
 * @param ignoreBots whether events sent by bot accounts are skipped (default true)
 * @param authors when not empty, only these authors' pushes and pull requests run
 * @param authorsIgnore these authors' pushes and pull requests never run
 */
public record Triggers(
    EventFilter push,
    EventFilter pullRequest,
    boolean ignoreBots,
    PatternList authors,
    PatternList authorsIgnore) {}
