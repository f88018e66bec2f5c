package dev.solstice.orchestrator;

import dev.solstice.jobrequest.Conclusion;
import dev.solstice.jobrequest.GitHubAccess;
import dev.solstice.jobrequest.JobRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a job's script lines with {@code bash -e} in a fresh temporary directory, stdout and stderr
 * going to the log, with the job's env over a minimal environment. The whole process tree is killed
 * when {@code timeout_seconds} elapse (conclusion {@code timed_out}) or when the job is cancelled
 * (conclusion {@code cancelled}, with what it logged so far); exit 0 is {@code success}, anything
 * else {@code failure}. The directory is removed afterwards.
 *
 * <p>No isolation beyond that: this is a development stand-in, run it only on trusted jobs.
 */
public final class ScriptJobRunner implements JobRunner {

  /** Timeout of a job whose request sets none. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(1);

  static final String FALLBACK_PATH =
      "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  private static final Logger LOG = LoggerFactory.getLogger(ScriptJobRunner.class);

  private final Vertx vertx;

  public ScriptJobRunner(Vertx vertx) {
    this.vertx = vertx;
  }

  /** A started script: its directory and process. */
  private record Started(Workspace workspace, Process process, long startNanos) {}

  /**
   * @param cancelledBy the reason of the cancel that stopped the script; null if none did
   */
  private record Exit(int code, boolean timedOut, String cancelledBy, Duration took) {}

  @Override
  public Future<RunOutcome> run(JobRequest request, Future<String> cancel, LogSink sink) {
    Duration timeout = timeoutOf(request);
    // Starting a process and writing files block; the wait for the exit does not hold a thread.
    return vertx
        .executeBlocking(() -> start(request), false)
        .compose(
            started -> {
              sink.append(header(request, timeout));
              OutputTail tail = OutputTail.follow(vertx, started.workspace().output(), sink);
              return awaitExit(started.process(), started.startNanos(), timeout, cancel)
                  .compose(exit -> tail.stop().map(exit))
                  .compose(
                      exit ->
                          vertx.executeBlocking(
                              () -> outcome(request, started.workspace(), exit, timeout), false))
                  .eventually(
                      () ->
                          vertx.executeBlocking(
                              () -> {
                                started.workspace().delete();
                                return null;
                              },
                              false));
            })
        // A job that cannot even start is the job's failure to report, not a reason to redeliver it
        // forever.
        .recover(
            error ->
                Future.succeededFuture(
                    new RunOutcome(
                        Conclusion.FAILURE,
                        "The Solstice stub orchestrator could not run the script: "
                            + error.getMessage(),
                        "[solstice-stub] could not run the script: " + error + "\n")));
  }

  static Duration timeoutOf(JobRequest request) {
    Integer seconds = request.timeoutSeconds();
    return seconds == null || seconds <= 0 ? DEFAULT_TIMEOUT : Duration.ofSeconds(seconds);
  }

  private Started start(JobRequest request) throws IOException {
    Workspace workspace = Workspace.create(request);
    try {
      Files.writeString(
          workspace.script(), String.join("\n", request.script()) + "\n", StandardCharsets.UTF_8);
      ProcessBuilder builder =
          new ProcessBuilder("bash", "-e", workspace.script().toString())
              .directory(workspace.workDir().toFile())
              .redirectErrorStream(true)
              // To a file, not a pipe: a chatty script cannot stall on a full pipe buffer.
              .redirectOutput(workspace.output().toFile());
      builder.environment().clear();
      builder.environment().putAll(environment(request, workspace));
      long startNanos = System.nanoTime();
      return new Started(workspace, builder.start(), startNanos);
    } catch (IOException | RuntimeException e) {
      workspace.delete();
      throw e;
    }
  }

  /** A minimal environment, so the job does not see the stub's own configuration (and secrets). */
  static Map<String, String> environment(JobRequest request, Workspace workspace) {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", System.getenv().getOrDefault("PATH", FALLBACK_PATH));
    env.put("HOME", workspace.workDir().toString());
    env.put("TMPDIR", workspace.tmpDir().toString());
    env.put("LANG", "C.UTF-8");
    env.put("CI", "true");
    env.put("SOLSTICE_REQUEST_ID", String.valueOf(request.requestId()));
    env.putAll(request.env());
    GitHubAccess github = request.github();
    if (github != null && github.token() != null) {
      // As Actions does: the job reaches GitHub through the front door's gateway with its token.
      env.put("GITHUB_API_URL", github.apiUrl());
      env.put("GITHUB_TOKEN", github.token());
      if (request.repository() != null) {
        env.put("GITHUB_REPOSITORY", request.repository());
      }
    }
    return env;
  }

  /** {@code log} with the job's token masked, should the script have printed it. */
  static String masked(JobRequest request, String log) {
    GitHubAccess github = request.github();
    return github == null || github.token() == null ? log : log.replace(github.token(), "***");
  }

  /**
   * Waits for the script to end; kills it with its children when its timeout elapses or {@code
   * cancel} completes, whichever comes first while it runs.
   */
  private Future<Exit> awaitExit(
      Process process, long startNanos, Duration timeout, Future<String> cancel) {
    AtomicBoolean timedOut = new AtomicBoolean();
    AtomicReference<String> cancelledBy = new AtomicReference<>();
    long timer =
        vertx.setTimer(
            Math.max(1, timeout.toMillis()),
            id -> {
              if (cancelledBy.get() == null && timedOut.compareAndSet(false, true)) {
                kill(process);
              }
            });
    cancel.onSuccess(
        reason -> {
          if (process.isAlive() && !timedOut.get() && cancelledBy.compareAndSet(null, reason)) {
            kill(process);
          }
        });
    return Future.fromCompletionStage(process.onExit(), vertx.getOrCreateContext())
        .andThen(ar -> vertx.cancelTimer(timer))
        .map(
            p ->
                new Exit(
                    p.exitValue(),
                    timedOut.get(),
                    cancelledBy.get(),
                    Duration.ofNanos(System.nanoTime() - startNanos)));
  }

  private void kill(Process process) {
    vertx.executeBlocking(
        () -> {
          killTree(process);
          return null;
        },
        false);
  }

  /**
   * Kills bash and everything it started. The descendants are listed before bash dies, because
   * afterwards they are re-parented and no longer found through it.
   */
  static void killTree(Process process) {
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroyForcibly();
    descendants.forEach(ProcessHandle::destroyForcibly);
    LOG.info("killed process {} and {} descendant(s)", process.pid(), descendants.size());
  }

  /** The log's first lines, before the script's output. */
  static String header(JobRequest request, Duration timeout) {
    StringBuilder log = new StringBuilder();
    log.append("[solstice-stub] executing job ")
        .append(request.requestId())
        .append(" with bash -e, timeout ")
        .append(timeout.toSeconds())
        .append(" s\n");
    request.script().forEach(line -> log.append("+ ").append(line).append('\n'));
    return log.append("[solstice-stub] output:\n").toString();
  }

  private static RunOutcome outcome(
      JobRequest request, Workspace workspace, Exit exit, Duration timeout) throws IOException {
    String output = new String(Files.readAllBytes(workspace.output()), StandardCharsets.UTF_8);
    StringBuilder log = new StringBuilder(header(request, timeout));
    log.append(output);
    if (!output.isEmpty() && !output.endsWith("\n")) {
      log.append('\n');
    }
    if (exit.cancelledBy() != null) {
      log.append("[solstice-stub] the script and its children were stopped after ")
          .append(exit.took().toMillis())
          .append(" ms\n");
      return RunOutcome.cancelled(exit.cancelledBy(), "while it ran", log.toString());
    }
    Conclusion conclusion;
    String summary;
    if (exit.timedOut()) {
      conclusion = Conclusion.TIMED_OUT;
      summary = "The script timed out after " + timeout.toSeconds() + " s and was killed.";
    } else if (exit.code() == 0) {
      conclusion = Conclusion.SUCCESS;
      summary = "The script succeeded in " + exit.took().toMillis() + " ms.";
    } else {
      conclusion = Conclusion.FAILURE;
      summary = "The script failed with exit code " + exit.code() + ".";
    }
    log.append("[solstice-stub] ").append(summary).append('\n');
    return new RunOutcome(conclusion, summary, masked(request, log.toString()));
  }
}
