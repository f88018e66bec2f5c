package dev.solstice.orchestrator;

/** Takes a running job's log as the job writes it; the whole log still comes in its outcome. */
@FunctionalInterface
public interface LogSink {

  /** Keeps nothing. */
  LogSink NONE = text -> {};

  /** Text the job wrote next; any length, possibly ending inside a line. */
  void append(String text);
}
