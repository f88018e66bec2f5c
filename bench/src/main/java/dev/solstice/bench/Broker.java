package dev.solstice.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The bench's own AMQP connection: consumes JobRequests (standing in for the orchestrator, so the
 * jobs queue stays short and each arrival is timed), inspects and purges queues, and deletes the
 * run's queues and exchanges at the end.
 */
final class Broker implements AutoCloseable {
  private final Connection connection;
  private final LongAdder jobRequests = new LongAdder();
  private final LongAdder jobRequestBytes = new LongAdder();

  Broker(String uri) throws Exception {
    ConnectionFactory f = new ConnectionFactory();
    f.setUri(uri);
    f.setAutomaticRecoveryEnabled(false);
    connection = f.newConnection("solstice-bench");
  }

  /**
   * Consumes {@code queue} with automatic acks; every message's delivery id goes to the tracker.
   */
  void consumeJobRequests(String queue, DeliveryTracker tracker) throws IOException {
    Channel ch = connection.createChannel();
    ch.basicQos(1000);
    ch.basicConsume(
        queue,
        true,
        "solstice-bench",
        new DefaultConsumer(ch) {
          @Override
          public void handleDelivery(
              String tag, Envelope env, AMQP.BasicProperties props, byte[] body) {
            long now = System.nanoTime();
            Object id =
                props.getHeaders() == null ? null : props.getHeaders().get("x-github-delivery");
            jobRequests.increment();
            jobRequestBytes.add(body.length);
            tracker.jobArrived(id == null ? null : id.toString(), now);
          }
        });
  }

  /** Consumes {@code queue}, telling {@code arrived} each JobRequest's delivery id. */
  void consumeDeliveryIds(String queue, java.util.function.Consumer<String> arrived)
      throws IOException {
    Channel ch = connection.createChannel();
    ch.basicQos(1000);
    ch.basicConsume(
        queue,
        true,
        new DefaultConsumer(ch) {
          @Override
          public void handleDelivery(
              String tag, Envelope env, AMQP.BasicProperties props, byte[] body) {
            Object id =
                props.getHeaders() == null ? null : props.getHeaders().get("x-github-delivery");
            if (id != null) {
              arrived.accept(id.toString());
            }
          }
        });
  }

  long jobRequests() {
    return jobRequests.sum();
  }

  /** Mean JobRequest body size in bytes, or 0. */
  long meanJobRequestBytes() {
    long n = jobRequests.sum();
    return n == 0 ? 0 : jobRequestBytes.sum() / n;
  }

  /** Ready messages in {@code queue}, or -1 when it does not exist. */
  long depth(String queue) {
    try (Channel ch = connection.createChannel()) {
      return ch.queueDeclarePassive(queue).getMessageCount();
    } catch (Exception e) {
      return -1;
    }
  }

  /** Drops the ready messages of {@code queue}; returns how many. */
  long purge(String queue) {
    try (Channel ch = connection.createChannel()) {
      return ch.queuePurge(queue).getMessageCount();
    } catch (Exception e) {
      return -1;
    }
  }

  /**
   * Deletes queues and exchanges, each on its own channel (a failed operation closes its channel).
   * Returns what could not be deleted.
   */
  List<String> delete(List<String> queues, List<String> exchanges) {
    List<String> failed = new ArrayList<>();
    for (String q : queues) {
      try (Channel ch = connection.createChannel()) {
        ch.queueDelete(q);
      } catch (Exception e) {
        failed.add("queue " + q + ": " + e.getMessage());
      }
    }
    for (String x : exchanges) {
      try (Channel ch = connection.createChannel()) {
        ch.exchangeDelete(x);
      } catch (Exception e) {
        failed.add("exchange " + x + ": " + e.getMessage());
      }
    }
    return failed;
  }

  /**
   * Queues and exchanges left by an earlier run that was killed before it could clean up, found
   * with rabbitmqctl by the bench prefix. Best effort: without rabbitmqctl it finds nothing.
   */
  static List<List<String>> leftovers(String prefix) {
    return List.of(listByPrefix("list_queues", prefix), listByPrefix("list_exchanges", prefix));
  }

  /**
   * Leftovers of runs that are gone: names under {@code prefix} (then a run's tag and a dot) of the
   * runs none of whose queues has a consumer. A run still going (another session's bench on the
   * same broker) keeps its consumers, so its queues are left alone.
   */
  static List<List<String>> abandoned(String prefix) {
    java.util.Set<String> live = new java.util.HashSet<>();
    for (String line : listByPrefix("list_queues", prefix, "name", "consumers")) {
      String[] cols = line.split("\\s+");
      if (cols.length == 2 && !"0".equals(cols[1])) {
        live.add(runOf(prefix, cols[0]));
      }
    }
    List<List<String>> all = leftovers(prefix);
    return all.stream()
        .map(names -> names.stream().filter(n -> !live.contains(runOf(prefix, n))).toList())
        .toList();
  }

  private static String runOf(String prefix, String name) {
    int dot = name.indexOf('.', prefix.length());
    return dot < 0 ? name : name.substring(0, dot);
  }

  private static List<String> listByPrefix(String command, String prefix) {
    return listByPrefix(command, prefix, "name").stream()
        .map(line -> line.split("\\s+")[0])
        .toList();
  }

  /** Lines of {@code rabbitmqctl -q COMMAND COLUMNS...} whose first column starts with prefix. */
  private static List<String> listByPrefix(String command, String prefix, String... columns) {
    List<String> names = new ArrayList<>();
    try {
      Process p =
          new ProcessBuilder(
                  java.util.stream.Stream.concat(
                          java.util.stream.Stream.of("rabbitmqctl", "-q", command),
                          java.util.Arrays.stream(columns))
                      .toList())
              .redirectErrorStream(true)
              .start();
      for (String line : new String(p.getInputStream().readAllBytes()).split("\n")) {
        String n = line.trim();
        if (n.startsWith(prefix)) {
          names.add(n); // the whole line: name, then the other columns
        }
      }
      p.waitFor(30, TimeUnit.SECONDS);
    } catch (IOException | InterruptedException e) {
      // no rabbitmqctl here: nothing to sweep
    }
    return names;
  }

  @Override
  public void close() {
    try {
      connection.close(5000);
    } catch (Exception ignored) {
      // already closed
    }
  }
}
