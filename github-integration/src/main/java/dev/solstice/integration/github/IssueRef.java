package dev.solstice.integration.github;

/** A created issue or comment: its id, number (issues; 0 for comments) and web URL. */
public record IssueRef(long id, int number, String htmlUrl) {}
