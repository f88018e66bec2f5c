#!/usr/bin/env bash
# Issue 14's heavier proof (docs/scaling.md, "Two replicas behind HAProxy"): TwoReplicasHaproxyIT
# with 2,000 deliveries over 12 installations instead of the suite's 240. Two service JVMs (java -jar
# github-integration.jar), one Redis, the machine's RabbitMQ, Debian's HAProxy round-robin in front
# (the test writes its haproxy.cfg and starts and stops it), the orchestrator stub and the GitHub
# simulator; one replica is killed with SIGKILL a third of the way in and started again. The figures
# replace the section between the "replicas-proof" markers of docs/scaling.md.
#
#   scripts/replicas-proof.sh            2,000 deliveries
#   scripts/replicas-proof.sh 500        another count
#
# Exits non-zero when the test fails (a lost delivery, a duplicate check run, ...): the figures are
# still written, the failure is in the Maven output.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=lib/services.sh
source scripts/lib/services.sh

deliveries="${1:-2000}"
ensure_rabbitmq
ensure_redis
ensure_haproxy
: "${KDL_SUITE_DIR:=$(cd .. && pwd)/shared/kdl-test-suite}"
export KDL_SUITE_DIR

figures=$(mktemp)
trap 'rm -f "$figures"' EXIT
started=$(date -u +%Y-%m-%dT%H:%MZ)
status=0
mvn -B -ntp -q -pl sandbox -am verify \
  -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=TwoReplicasHaproxyIT -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dreplicas.proof=true -Dreplicas.deliveries="$deliveries" -Dreplicas.figures="$figures" || status=$?

if [ ! -s "$figures" ]; then
  echo "error: the test wrote no figures (see the Maven output above)" >&2
  exit 1
fi
section=$(mktemp)
{
  echo "<!-- replicas-proof: written by scripts/replicas-proof.sh; do not edit by hand -->"
  echo "Run of $started on $(nproc) vCPUs, \`scripts/replicas-proof.sh $deliveries\`"
  echo "(test result: $([ "$status" -eq 0 ] && echo passed || echo "FAILED, exit $status")):"
  echo
  cat "$figures"
  echo "<!-- /replicas-proof -->"
} >"$section"
awk -v file="$section" '
  /^<!-- replicas-proof:/ { while ((getline line < file) > 0) print line; skip = 1; next }
  /^<!-- \/replicas-proof -->/ { skip = 0; next }
  !skip { print }
' docs/scaling.md >docs/scaling.md.new
if ! grep -q '^<!-- replicas-proof:' docs/scaling.md; then
  { echo; cat "$section"; } >>docs/scaling.md.new
fi
mv docs/scaling.md.new docs/scaling.md
rm -f "$section"
echo "docs/scaling.md: replicas-proof section written" >&2
exit "$status"
