# Sourced by the scripts in scripts/: make sure the services the tests and the sandbox need answer
# on this machine, installing them with apt-get (as root) where they are missing.
# shellcheck shell=bash

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

wait_port() { # host port name seconds
  local i
  for ((i = 0; i < $4 * 2; i++)); do
    if port_open "$1" "$2"; then return 0; fi
    sleep 0.5
  done
  echo "error: $3 did not start answering on $1:$2 within $4 s" >&2
  return 1
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi
}

apt_install() {
  if ! command -v apt-get >/dev/null; then
    echo "error: $1 is not installed and this is not a Debian/Ubuntu machine; install $1 and start it" >&2
    return 1
  fi
  echo "installing $* with apt-get..." >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
    && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null \
    || { echo "error: could not install $* (run as root, or: sudo apt-get install $*)" >&2; return 1; }
}

ensure_rabbitmq() {
  if port_open 127.0.0.1 5672; then return 0; fi
  if ! command -v rabbitmq-server >/dev/null && [ ! -x /usr/sbin/rabbitmq-server ]; then
    apt_install rabbitmq-server || return 1
  fi
  echo "starting RabbitMQ..." >&2
  # Debian's package starts it under systemd where there is one; without systemd, start it detached.
  if ! port_open 127.0.0.1 5672; then
    as_root rabbitmq-server -detached >/dev/null 2>&1 || as_root service rabbitmq-server start >/dev/null 2>&1 || true
  fi
  wait_port 127.0.0.1 5672 RabbitMQ 120
  # The port opens a little before the broker accepts logins.
  for _ in $(seq 1 60); do
    if as_root rabbitmqctl -q await_startup >/dev/null 2>&1; then break; fi
    sleep 1
  done
}

ensure_redis() {
  if port_open 127.0.0.1 6379; then return 0; fi
  if ! command -v redis-server >/dev/null; then
    apt_install redis-server || return 1
  fi
  echo "starting Redis..." >&2
  as_root mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /tmp --logfile /tmp/solstice-redis.log >/dev/null
  wait_port 127.0.0.1 6379 Redis 30
}

# PostgreSQL for the record (issue 15): the tests create a database of their own each; trust auth for
# the postgres user on 127.0.0.1 is what they expect (Debian's default is peer/md5: see below).
ensure_postgresql() {
  if port_open 127.0.0.1 5432; then return 0; fi
  if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
    apt_install postgresql || return 1
  fi
  echo "starting PostgreSQL..." >&2
  local bin version data
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  version=$(basename "$(dirname "$bin")")
  # Debian's cluster, under systemd or its init script where there is one.
  as_root service postgresql start >/dev/null 2>&1 || as_root pg_ctlcluster "$version" main start >/dev/null 2>&1 || true
  if ! port_open 127.0.0.1 5432; then
    # No cluster to start (a container without init): a throwaway one for the tests, trust auth.
    data=/tmp/solstice-postgresql
    if [ ! -d "$data" ]; then
      as_root install -d -o postgres -g postgres "$data"
      as_root su postgres -c "$bin/initdb -D $data -U postgres --auth=trust >/dev/null"
    fi
    as_root su postgres -c "$bin/pg_ctl -D $data -o '-c listen_addresses=127.0.0.1 -k /tmp' -l $data/log start >/dev/null"
  fi
  wait_port 127.0.0.1 5432 PostgreSQL 60
  # Debian's own cluster asks for a password over TCP: let the local postgres user in by trust, as
  # the tests and the sandbox expect (127.0.0.1 only).
  if ! psql -h 127.0.0.1 -U postgres -w -c 'select 1' >/dev/null 2>&1; then
    local hba
    hba=$(as_root su postgres -c "psql -tAc 'show hba_file'" 2>/dev/null)
    if [ -n "$hba" ]; then
      as_root sed -i '1i host all postgres 127.0.0.1/32 trust' "$hba"
      as_root su postgres -c "psql -tAc 'select pg_reload_conf()'" >/dev/null
    fi
  fi
}

# Issue 16: the job page's browser test (JobPageBrowserIT) drives Debian's Chromium headless through
# its chromedriver; without them that test is skipped.
ensure_chromium() {
  if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then return 0; fi
  apt_install chromium chromium-driver || {
    echo "warning: no chromium; the browser test of the job page is skipped" >&2
    return 0
  }
}

# Issue 18: the intake comparison (scripts/bench.sh --only intake) drives every front door with
# Debian's wrk; without it that comparison is skipped with a message.
ensure_wrk() {
  if command -v wrk >/dev/null; then return 0; fi
  apt_install wrk || {
    echo "warning: no wrk; the intake comparison is skipped" >&2
    return 1
  }
}

# Issue 18: the Node peer of the intake comparison (bench/node-peer), its pinned dependencies from
# package-lock.json. Returns 1 (with a message) when node or npm is missing or the install failed:
# the comparison then runs without the Node rows.
ensure_node_peer() {
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "warning: no node/npm; the intake comparison runs without the Node peer" >&2
    return 1
  fi
  (cd bench/node-peer && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || {
    echo "warning: npm ci failed in bench/node-peer; the intake comparison runs without the Node peer" >&2
    return 1
  }
}

# Issue 14: TwoReplicasHaproxyIT and scripts/replicas-proof.sh put two service replicas behind
# Debian's HAProxy (started by the test itself, on a free port); without it that test is skipped.
ensure_haproxy() {
  if command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ]; then return 0; fi
  apt_install haproxy || {
    echo "warning: no haproxy; the two-replica test behind a load balancer is skipped" >&2
    return 0
  }
  # Debian's package starts a system HAProxy on its default configuration; the tests run their own.
}
