package dev.solstice.orchestrator;

import dev.solstice.jobrequest.JobRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The temporary directory of one executed job: the script and its output sit next to, not inside,
 * the working directory, so the job cannot trample them by cleaning its own directory.
 */
record Workspace(Path root) {

  private static final Logger LOG = LoggerFactory.getLogger(Workspace.class);

  static Workspace create(JobRequest request) throws IOException {
    Workspace workspace =
        new Workspace(Files.createTempDirectory("solstice-job-" + request.requestId() + "-"));
    Files.createDirectory(workspace.workDir());
    Files.createDirectory(workspace.tmpDir());
    return workspace;
  }

  Path script() {
    return root.resolve("job.sh");
  }

  Path output() {
    return root.resolve("output.log");
  }

  Path workDir() {
    return root.resolve("work");
  }

  Path tmpDir() {
    return root.resolve("tmp");
  }

  /**
   * Removes the directory tree; problems are logged, as the job's outcome does not depend on them.
   */
  void delete() {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      LOG.warn("could not remove job directory {}: {}", root, e.toString());
    }
    if (Files.exists(root)) {
      LOG.warn("job directory {} was not removed completely", root);
    }
  }
}
