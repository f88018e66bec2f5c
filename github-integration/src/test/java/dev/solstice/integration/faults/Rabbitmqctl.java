package dev.solstice.integration.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The broker's admin CLI, scoped to one service's connections: other suites share the broker, so
 * nothing here closes a connection that is not ours, and nothing stops the broker.
 */
final class Rabbitmqctl {

  private Rabbitmqctl() {}

  static String run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("rabbitmqctl", "-q"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("rabbitmqctl " + String.join(" ", args) + " failed: " + out);
    }
    return out;
  }

  /** Closes every connection whose client-provided name is {@code connectionName}; how many. */
  static int closeByClientName(String connectionName, String reason) throws Exception {
    int closed = 0;
    for (String line : run("list_connections", "pid", "client_properties").split("\n")) {
      int tab = line.indexOf('\t');
      if (tab > 0 && line.contains("{\"connection_name\",\"" + connectionName + "\"}")) {
        run("close_connection", line.substring(0, tab).trim(), reason);
        closed++;
      }
    }
    return closed;
  }

  /** messages (ready + unacked) per queue, for the queues named. */
  static Map<String, Long> depths(List<String> queues) throws Exception {
    Map<String, Long> depths = new HashMap<>();
    for (String line : run("list_queues", "name", "messages").split("\n")) {
      String[] parts = line.trim().split("\t");
      if (parts.length == 2 && queues.contains(parts[0])) {
        depths.put(parts[0], Long.parseLong(parts[1].trim()));
      }
    }
    return depths;
  }
}
