package dev.solstice.bench;

import io.vertx.core.json.JsonObject;

/** The gateway's section of docs/benchmarks.md (issue 13), from a run's results. */
final class GatewayReport {

  static final String BEGIN =
      "<!-- bench-gateway:begin (written by scripts/bench.sh --only gateway: rerun it rather than"
          + " editing) -->";
  static final String END = "<!-- bench-gateway:end -->";

  private GatewayReport() {}

  static String render(JsonObject results) {
    JsonObject g = results.getJsonObject("gateway");
    JsonObject d = g.getJsonObject("direct");
    JsonObject c = g.getJsonObject("gateway_cached");
    JsonObject n = g.getJsonObject("gateway_own_304");
    JsonObject e = g.getJsonObject("economy");
    JsonObject first = e.getJsonObject("first_reads");
    JsonObject again = e.getJsonObject("rereads_with_etag");
    StringBuilder s = new StringBuilder();
    s.append("## The GitHub gateway (issue 13)\n\n");
    s.append("Measured ")
        .append(results.getString("started_at"))
        .append(" (")
        .append(results.getString("mode"))
        .append(" run) with:\n\n```\n")
        .append(results.getString("command"))
        .append("\n```\n\n");
    s.append(
        "One simulator, one service process (gateway on, no Redis: the in-memory cache), "
            + g.getInteger("concurrency")
            + " requests in flight, "
            + g.getInteger("seconds_per_phase")
            + " s per phase, the same 20 `GET /repos/{owner}/{repo}/contents/{path}` in turn. The"
            + " machine is shared (2 cores, other builds running): read the figures side by side,"
            + " not as absolutes; a full `scripts/bench.sh` is slow, `--only gateway` runs this"
            + " phase alone.\n\n");
    s.append("| path | requests/s | p50 ms | p99 ms | p99.9 ms | errors |\n");
    s.append("|---|---|---|---|---|---|\n");
    row(s, "simulator directly (200)", d);
    row(s, "through the gateway, cached (upstream 304, served 200 from the cache)", c);
    row(
        s,
        "through the gateway, client's own If-None-Match within GATEWAY_CACHE_TTL (gateway's 304)",
        n);
    s.append("\nAdded latency of a cached GET through the gateway: p50 ")
        .append(g.getDouble("added_p50_ms"))
        .append(" ms, p99 ")
        .append(g.getDouble("added_p99_ms"))
        .append(" ms (gateway minus direct, same run).\n\n");
    s.append(
        "Upstream calls for "
            + e.getInteger("clients")
            + " registry clients reading the same "
            + e.getInteger("resources")
            + " resources, counted at the simulator:\n\n");
    s.append(
        "| round | client requests | upstream calls | of them billed (200) | calls saved | rate"
            + " limit saved |\n|---|---|---|---|---|---|\n");
    economyRow(s, "first reads (no client cache)", first);
    economyRow(s, "re-reads with the client's ETag (GATEWAY_CACHE_TTL 60s)", again);
    s.append(
        "\nConcurrent first reads of one resource can each miss (the cache does not merge"
            + " requests in flight), hence more billed calls than resources. Without the gateway"
            + " each client would make every call itself and pay for each 200. A"
            + " plain client's read still goes upstream through the gateway (as a conditional"
            + " request, so a 304 costs nothing against the rate limit); only a client that sends"
            + " its own If-None-Match is answered by the gateway without an upstream call, for"
            + " `GATEWAY_CACHE_TTL`.\n");
    return s.toString();
  }

  private static void row(StringBuilder s, String name, JsonObject r) {
    s.append("| ")
        .append(name)
        .append(" | ")
        .append(r.getDouble("requests_per_second"))
        .append(" | ")
        .append(r.getDouble("p50_ms"))
        .append(" | ")
        .append(r.getDouble("p99_ms"))
        .append(" | ")
        .append(r.getDouble("p999_ms"))
        .append(" | ")
        .append(r.getLong("errors"))
        .append(" |\n");
  }

  private static void economyRow(StringBuilder s, String name, JsonObject r) {
    s.append("| ")
        .append(name)
        .append(" | ")
        .append(r.getInteger("client_requests"))
        .append(" | ")
        .append(r.getLong("upstream_calls"))
        .append(" | ")
        .append(r.getLong("upstream_billed_200"))
        .append(" | ")
        .append(Math.round(r.getDouble("calls_saved_share") * 1000) / 10.0)
        .append(" % | ")
        .append(Math.round(r.getDouble("billed_saved_share") * 1000) / 10.0)
        .append(" % |\n");
  }
}
