package dev.solstice.kdl;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * Parse throughput on a generated, workflow-like ~1 MB document, plus a linearity check (1, 2 and 4
 * MB). Not a unit test: run it on purpose, on a quiet machine, e.g. {@code mvn -q -pl kdl
 * test-compile exec:java} (kdl/pom.xml points exec:java at this class). MB here is 10^6 bytes of
 * UTF-8 input.
 */
public final class KdlParseBenchmark {
  private static final int WARMUP_SECONDS = 5;
  private static final int MEASURED_RUNS = 25;

  private KdlParseBenchmark() {}

  public static void main(String[] args) throws Exception {
    KdlParser parser = KdlParser.v2();
    String doc = generate(1_000_000, 42);
    int bytes = doc.getBytes(StandardCharsets.UTF_8).length;
    int nodes = countNodes(parser.parse(doc));
    System.out.printf(
        Locale.ROOT,
        "document: %,d bytes, %,d lines, %,d nodes%n",
        bytes,
        doc.chars().filter(c -> c == '\n').count(),
        nodes);
    System.out.printf(
        Locale.ROOT,
        "jvm: %s %s, %d available processors%n",
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors());

    long warmupEnd = System.nanoTime() + WARMUP_SECONDS * 1_000_000_000L;
    int warmups = 0;
    while (System.nanoTime() < warmupEnd) {
      parser.parse(doc);
      warmups++;
    }
    double[] seconds = time(parser, doc, MEASURED_RUNS);
    double median = seconds[seconds.length / 2];
    double best = seconds[0];
    System.out.printf(
        Locale.ROOT,
        "warm-up: %d parses in %d s; measured: %d parses%n",
        warmups,
        WARMUP_SECONDS,
        MEASURED_RUNS);
    System.out.printf(
        Locale.ROOT,
        "parse median: %.2f ms = %.1f MB/s, %,.0f nodes/s%n",
        median * 1e3,
        bytes / median / 1e6,
        nodes / median);
    System.out.printf(
        Locale.ROOT,
        "parse best:   %.2f ms = %.1f MB/s, %,.0f nodes/s%n",
        best * 1e3,
        bytes / best / 1e6,
        nodes / best);

    // Linearity: time per byte should stay flat as the document doubles. Best-of-N resists noise
    // from other
    // processes better than the median on a shared machine, so both are printed.
    double baseBest = 0;
    double baseMedian = 0;
    for (int mb = 1; mb <= 4; mb *= 2) {
      String scaled = generate(mb * 1_000_000, 7);
      for (int i = 0; i < 10; i++) {
        parser.parse(scaled);
      }
      double[] t = time(parser, scaled, 15);
      double bestMs = t[0] * 1e3;
      double medianMs = t[t.length / 2] * 1e3;
      if (mb == 1) {
        baseBest = bestMs;
        baseMedian = medianMs;
      }
      System.out.printf(
          Locale.ROOT,
          "scaling: %d MB: best %.2f ms (%.2fx the 1 MB time), median %.2f ms" + " (%.2fx)%n",
          mb,
          bestMs,
          bestMs / baseBest,
          medianMs,
          medianMs / baseMedian);
    }
  }

  private static double[] time(KdlParser parser, String doc, int runs) throws KdlParseException {
    double[] seconds = new double[runs];
    for (int i = 0; i < runs; i++) {
      long start = System.nanoTime();
      parser.parse(doc);
      seconds[i] = (System.nanoTime() - start) / 1e9;
    }
    Arrays.sort(seconds);
    return seconds;
  }

  private static int countNodes(KdlDocument doc) {
    int count = 0;
    ArrayDeque<KdlNode> pending = new ArrayDeque<>(doc.nodes());
    while (!pending.isEmpty()) {
      KdlNode node = pending.pop();
      count++;
      pending.addAll(node.children());
    }
    return count;
  }

  /**
   * A CI-workflow-shaped document of at least {@code minBytes} UTF-8 bytes; deterministic for a
   * seed.
   */
  static String generate(int minBytes, long seed) {
    Random random = new Random(seed);
    StringBuilder sb = new StringBuilder(minBytes + 4096);
    int i = 0;
    while (sb.length() < minBytes) {
      sb.append("// workflow ").append(i).append(" — generated\n");
      sb.append("workflow \"ci-").append(i).append("\" version=2 {\n");
      sb.append("    on push branches=\"main\" \"release/*\"\n");
      sb.append(
          "    env {\n        RUST_LOG \"debug\"\n        PATH \"/usr/local/bin:/usr/bin\"\n    }\n");
      int jobs = 2 + random.nextInt(4);
      for (int j = 0; j < jobs; j++) {
        sb.append("    job \"build-")
            .append(j)
            .append("\" timeout=")
            .append(60 + random.nextInt(3600))
            .append(" retries=")
            .append(random.nextInt(5))
            .append(" weight=0.")
            .append(random.nextInt(100))
            .append(" enabled=#true {\n");
        sb.append("        (docker)image \"ghcr.io/solstice/builder:1.")
            .append(random.nextInt(20))
            .append(".0\"\n");
        sb.append("        step checkout uses=\"actions/checkout@v4\" /-disabled=#false\n");
        sb.append(
            "        step \"compile\" run=\"mvn -B verify -Dmsg=\\\"h\\u{e9}llo\\tw\\\\orld\\\"\""
                + " cache=#null\n");
        sb.append("        step script run=#\"echo \"raw\" \\n \"#\n");
        sb.append(
            "        step multi run=\"\"\"\n            echo \"multi-line\"\n"
                + "            make -j4 \\\n              all\n            \"\"\"\n");
        sb.append("        matrix os=linux arch=0x1F jdk=17 ratio=1.5e-3 {\n");
        sb.append("            include \"a\" \"b\" 0b1010 -42 #inf; exclude (os)windows\n");
        sb.append("        }\n    }\n");
      }
      sb.append("}\n");
      i++;
    }
    return sb.toString();
  }
}
