#!/usr/bin/env bash
# AppCDS for github-integration (issue 18): a training run that records the classes the service
# loads while it starts and takes webhooks, then a class-data archive the JVM maps at the next start
# instead of loading and verifying those classes again (start to ready about halves).
#
#   scripts/appcds-train.sh JAR ARCHIVE [ENV_FILE]
#
# Starts `java -XX:ArchiveClassesAtExit=ARCHIVE -jar JAR` with the service's configuration (from
# ENV_FILE, KEY=VALUE lines, or the current environment), waits for /health/ready, sends one signed
# ping webhook when GITHUB_WEBHOOK_SECRET is set (exercises the HTTP path without enqueueing
# anything), then stops it with SIGTERM; the JVM writes ARCHIVE as it exits. Run it again whenever
# the jar or the JDK changes: a stale archive is ignored (-Xshare:auto), never fatal.
# Start the service with: java -XX:SharedArchiveFile=ARCHIVE -Xshare:auto -jar JAR
set -euo pipefail
jar=${1:?usage: appcds-train.sh JAR ARCHIVE [ENV_FILE]}
archive=${2:?usage: appcds-train.sh JAR ARCHIVE [ENV_FILE]}
if [ -n "${3:-}" ]; then
  set -a
  # shellcheck disable=SC1090
  . "$3"
  set +a
fi
addr=${HTTP_ADDR:-0.0.0.0:8080}
port=${addr##*:}
base="http://127.0.0.1:$port"
rm -f "$archive"
java -XX:ArchiveClassesAtExit="$archive" -XX:+ExitOnOutOfMemoryError -jar "$jar" &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 240); do
  if curl -fsS -o /dev/null "$base/health/ready" 2>/dev/null; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then echo "the service exited before it was ready" >&2; exit 1; fi
  sleep 0.5
done
curl -fsS -o /dev/null "$base/health/ready" || { echo "not ready after 120 s" >&2; exit 1; }
if [ -n "${GITHUB_WEBHOOK_SECRET:-}" ]; then
  body='{"zen":"Keep it logically awesome.","hook_id":1}'
  sig=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "${GITHUB_WEBHOOK_SECRET%%,*}" | sed 's/^.*= //')
  curl -sS -o /dev/null -X POST "$base${WEBHOOK_PATH:-/webhooks/github}" \
    -H 'Content-Type: application/json' -H 'X-GitHub-Event: ping' \
    -H "X-GitHub-Delivery: appcds-training-$$" -H "X-Hub-Signature-256: sha256=$sig" \
    --data-binary "$body" || true
fi
trap - EXIT
kill -TERM "$pid"
wait "$pid" || true
if [ -s "$archive" ]; then
  echo "wrote $archive ($(du -h "$archive" | cut -f1)); start with -XX:SharedArchiveFile=$archive -Xshare:auto"
else
  echo "no archive written (see the output above)" >&2
  exit 1
fi
