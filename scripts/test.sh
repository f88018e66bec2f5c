#!/usr/bin/env bash
# Runs the whole test suite: unit tests (*Test) and integration tests (*IT) against a real RabbitMQ,
# Redis and PostgreSQL on 127.0.0.1, which this script starts (or installs with apt-get) when they
# are absent; Debian's Chromium and chromedriver too, for the job page's browser test, and HAProxy
# for the two-replica test behind a load balancer.
# .ci/run calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/services.sh
source scripts/lib/services.sh

ensure_rabbitmq
ensure_redis
ensure_postgresql
ensure_chromium
ensure_haproxy
: "${KDL_SUITE_DIR:=$(cd .. && pwd)/shared/kdl-test-suite}"
export KDL_SUITE_DIR
mvn -B -ntp verify "$@"
