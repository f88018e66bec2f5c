package dev.solstice.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Queue and exchange names of one run: all start with {@code solstice.bench-<tag>.}, so a run never
 * touches the queues of the tests or of a real deployment on the same broker, and what a crashed
 * run left behind can be found by prefix.
 */
record BenchTopology(String tag) {
  static final String PREFIX = "solstice.bench-";

  /**
   * Retry delays given to the service explicitly (its defaults), so the delay queues' names are
   * known.
   */
  static final List<Duration> RETRY_DELAYS =
      List.of(
          Duration.ofSeconds(5),
          Duration.ofSeconds(30),
          Duration.ofMinutes(2),
          Duration.ofMinutes(10),
          Duration.ofMinutes(30));

  String name(String suffix) {
    return PREFIX + tag + "." + suffix;
  }

  String jobsQueue() {
    return name("jobs.v1");
  }

  String intakeQueue() {
    return name("webhooks.v1");
  }

  String perfTestQueue() {
    return name("perftest");
  }

  /** The service's AMQP_* variables. */
  Map<String, String> serviceEnv() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("AMQP_EXCHANGE", name("jobs"));
    env.put("AMQP_QUEUE", jobsQueue());
    env.put("AMQP_DLX", name("dlx"));
    env.put("AMQP_DLQ", name("jobs.v1.dlq"));
    env.put("AMQP_RESULTS_EXCHANGE", name("results"));
    env.put("AMQP_RESULTS_QUEUE", name("results.v1"));
    env.put("AMQP_RESULTS_DLQ", name("results.v1.dlq"));
    env.put("AMQP_INTAKE_EXCHANGE", name("webhooks"));
    env.put("AMQP_INTAKE_QUEUE", intakeQueue());
    env.put("AMQP_INTAKE_DLQ", name("webhooks.v1.dlq"));
    env.put("INTAKE_RETRY_DELAYS", "5s,30s,2m,10m,30m");
    return env;
  }

  List<String> queues() {
    List<String> q = new ArrayList<>();
    for (String work : List.of(jobsQueue(), name("results.v1"), intakeQueue())) {
      q.add(work);
      for (Duration d : RETRY_DELAYS) {
        q.add(work + ".retry." + d.toMillis() + "ms");
      }
    }
    // The JobCancel flow is derived from the jobs queue's name (QueueTopology.cancelsOf).
    q.addAll(
        List.of(
            name("jobs.v1.dlq"),
            name("results.v1.dlq"),
            name("webhooks.v1.dlq"),
            jobsQueue() + ".cancel",
            jobsQueue() + ".cancel.dlq",
            perfTestQueue()));
    return q;
  }

  List<String> exchanges() {
    return List.of(name("jobs"), name("dlx"), name("results"), name("webhooks"), perfTestQueue());
  }
}
