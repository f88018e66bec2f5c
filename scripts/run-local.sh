#!/usr/bin/env bash
# Builds everything and runs the service in a local sandbox: a real RabbitMQ, Redis and PostgreSQL
# (started, or installed with apt-get when run as root), and in one JVM the GitHub API simulator, an
# S3-compatible store (s3proxy), the github-integration service and the orchestrator stub. Prints a
# signed curl to try.
# Stop with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/services.sh
source scripts/lib/services.sh

if ! ensure_rabbitmq; then
  cat >&2 <<'MSG'
RabbitMQ is needed and could not be started here. On Debian/Ubuntu:
  sudo apt-get update && sudo apt-get install -y rabbitmq-server && sudo rabbitmq-server -detached
or point AMQP_URL at a broker you have, e.g. AMQP_URL=amqp://user:pass@host:5672/%2f
MSG
  exit 1
fi

# Shared state (delivery ledger, run state, check-run map) in the machine's Redis, as replicas keep it;
# database 1, apart from the tests'. Without Redis the service keeps it in memory and says so.
if [ -z "${REDIS_URL:-}" ] && ensure_redis; then
  export REDIS_URL=redis://127.0.0.1:6379/1
fi
if [ -n "${REDIS_URL:-}" ] && [ -z "${TOKEN_CACHE_KEY:-}" ]; then
  # Tokens cached in Redis are encrypted with it; kept across runs so the cache stays readable.
  mkdir -p .sandbox
  [ -s .sandbox/token-cache-key ] || (umask 077 && head -c 32 /dev/urandom | base64 >.sandbox/token-cache-key)
  TOKEN_CACHE_KEY=$(cat .sandbox/token-cache-key)
  export TOKEN_CACHE_KEY
fi

# The record (issue 15): a database of the sandbox's own on the machine's PostgreSQL. Without one the
# service runs as before and says at start that the record is off.
if [ -z "${DATABASE_URL:-}" ] && ensure_postgresql && command -v psql >/dev/null; then
  if ! psql -h 127.0.0.1 -U postgres -w -tAc \
    "select 1 from pg_database where datname = 'solstice_sandbox'" | grep -q 1; then
    psql -h 127.0.0.1 -U postgres -w -qc 'create database solstice_sandbox' || true
  fi
  export DATABASE_URL=postgresql://postgres@127.0.0.1:5432/solstice_sandbox
fi

if [ "${SKIP_BUILD:-}" != "1" ]; then
  echo "building (mvn package, tests skipped; run scripts/test.sh for those)..." >&2
  mvn -B -q -ntp package -DskipTests
fi
mkdir -p .sandbox
exec java ${JAVA_OPTS:-} -jar sandbox/target/solstice-sandbox.jar "$@"
