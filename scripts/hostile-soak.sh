#!/usr/bin/env bash
# Issue 19's mixed soak: signed deliveries (resent until 2xx) while every attack on the public
# webhook endpoint runs at once (24 MB bodies with wrong signatures, slow connections, header
# floods, short bodies, pipelining) against the packaged service with the deployment's memory
# flags; writes RSS, heap, refusals by reason and the lost-delivery count to docs/hostile-soak.md.
#
#   scripts/hostile-soak.sh               10 minutes
#   scripts/hostile-soak.sh --minutes 2   shorter
#   scripts/hostile-soak.sh --no-build    reuse what is built
#
# A measurement, not a test: it exits non-zero only when it could not run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=lib/services.sh
source scripts/lib/services.sh

build=true
args=()
for a in "$@"; do
  if [ "$a" = "--no-build" ]; then build=false; else args+=("$a"); fi
done
if $build; then
  echo "building github-integration..." >&2
  mvn -B -q -ntp -pl github-integration -am package -DskipTests \
    dependency:build-classpath -Dmdep.outputFile=target/soak.classpath -Dmdep.includeScope=test
fi
ensure_rabbitmq

cp="github-integration/target/test-classes:github-integration/target/classes:$(cat github-integration/target/soak.classpath)"
exec java -Dsolstice.root=. -cp "$cp" dev.solstice.integration.http.HostileSoak \
  --command "scripts/hostile-soak.sh${*:+ $*}" "${args[@]}"
