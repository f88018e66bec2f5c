#!/usr/bin/env bash
# One command for the end-to-end benchmark (docs/benchmarks.md): builds what it needs, makes sure
# RabbitMQ runs, then runs github-integration under load next to RabbitMQ's PerfTest and a bare
# Vert.x server on the same machine and broker, and rewrites the figures sections of
# docs/benchmarks.md and the raw results in docs/bench/.
#
#   scripts/bench.sh              full run, a few minutes (30 s per load phase)
#   scripts/bench.sh --smoke      CI: a few seconds per phase, well under 2 minutes; results go to
#                                 bench/target/bench-smoke/, docs/ is left alone
#   scripts/bench.sh --budget 180 derive the phase length from a total budget in seconds
#   scripts/bench.sh --no-build   reuse the jars already built
#   scripts/bench.sh --only gateway    only the gateway phase (issue 13)
#   scripts/bench.sh --only fairness   only the fairness phase (issue 14), about two minutes
#   scripts/bench.sh --only intake
#                                 the intake front door next to bare node:http, bare Vert.x,
#                                 @octokit/webhooks (+ amqplib confirms) and PerfTest, all under
#                                 wrk (Debian); needs wrk, and node/npm for the Node rows; writes
#                                 docs/benchmarks.md's intake section and docs/bench/intake/
#                                 (options: java -cp bench/target/solstice-bench.jar
#                                  dev.solstice.bench.IntakeComparison --help)
#   scripts/bench.sh --only intake --fronts service --profile auto
#                                 the same, profiling the service with async-profiler (its jar
#                                 from Maven Central, tools.profiler:async-profiler 4.1)
#   (other options: java -jar bench/target/solstice-bench.jar --help)
#
# A benchmark, not a test: it exits non-zero only when it could not run, never on a number.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=lib/services.sh
source scripts/lib/services.sh

build=true
only=""
args=()
prev=""
for a in "$@"; do
  if [ "$a" = "--no-build" ]; then build=false
  elif [ "$prev" = "--only" ]; then only="$a"; unset 'args[${#args[@]}-1]'
  else args+=("$a"); fi
  prev="$a"
done
case "$only" in
  "" | intake) ;;
  gateway | fairness) args+=("--only" "$only") ;; # phases of the main bench
  *)
    echo "unknown --only $only (known: intake, gateway, fairness)" >&2
    exit 2
    ;;
esac

if $build; then
  echo "building github-integration and bench..." >&2
  mvn -B -q -ntp package -DskipTests -pl github-integration,bench -am  # bench runs the service jar, it does not link it
fi
ensure_rabbitmq
ensure_redis  # the fairness phase keeps its installation lanes in Redis

main_class=()
if [ "$only" = "intake" ]; then
  if ! ensure_wrk; then
    echo "no wrk: the intake comparison cannot run (apt-get install wrk)" >&2
    exit 0
  fi
  ensure_node_peer || args+=("--no-node")
  main_class=(-cp bench/target/solstice-bench.jar dev.solstice.bench.IntakeComparison)
  for i in "${!args[@]}"; do
    if [ "${args[$i]}" = "auto" ] && [ "$i" -gt 0 ] && [ "${args[$((i - 1))]}" = "--profile" ]; then
      lib=bench/target/profiler/linux-x64/libasyncProfiler.so
      if [ ! -f "$lib" ]; then
        mvn -B -q -ntp dependency:copy -Dartifact=tools.profiler:async-profiler:4.1 \
          -DoutputDirectory=bench/target/profiler
        (cd bench/target/profiler && unzip -o -q async-profiler-4.1.jar 'linux-x64/*')
      fi
      args[$i]=$lib
    fi
  done
fi

# Run the bench in the background so a TERM to this script (a CI timeout) reaches it: its shutdown
# hook stops the service process and deletes the run's queues.
if [ ${#main_class[@]} -gt 0 ]; then
  java "${main_class[@]}" --command "scripts/bench.sh${*:+ $*}" "${args[@]}" &
else
  java -jar bench/target/solstice-bench.jar --command "scripts/bench.sh${*:+ $*}" "${args[@]}" &
fi
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null || true' INT TERM
status=0
wait "$pid" || status=$?
if kill -0 "$pid" 2>/dev/null; then wait "$pid" || status=$?; fi # interrupted: let it clean up
exit "$status"
