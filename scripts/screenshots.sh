#!/usr/bin/env bash
# Refreshes the job page screenshots in docs/images/ from the browser tests: JobPageBrowserIT (a
# finished job's page) and LiveJobPageBrowserIT (a running job's page, its log growing, then green).
# Needs what scripts/test.sh needs (RabbitMQ, Redis, Chromium); installs them the same way.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/services.sh
source scripts/lib/services.sh
ensure_rabbitmq
ensure_redis
ensure_chromium
: "${KDL_SUITE_DIR:=$(cd .. && pwd)/shared/kdl-test-suite}"
export KDL_SUITE_DIR
mvn -B -ntp -pl sandbox -am verify -Dtest=NoTest -Dit.test='JobPageBrowserIT,LiveJobPageBrowserIT' \
  -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false
cp github-integration/target/screenshots/job-page.png docs/images/job-page.png
cp sandbox/target/screenshots/job-page-live.png docs/images/job-page-live.png
cp sandbox/target/screenshots/job-page-live-done.png docs/images/job-page-live-done.png
echo "docs/images/ updated"
