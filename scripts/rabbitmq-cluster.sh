#!/usr/bin/env bash
# A three-node RabbitMQ cluster on this machine, beside (not instead of) the machine's own broker on
# 5672: nodes solstice-a/b/c@localhost, AMQP on 127.0.0.1:5681-5683, Erlang distribution on
# 25681-25683, no plugins (so no management listener to collide with), data and logs under
# $RABBITMQ_CLUSTER_DIR (default /tmp/solstice-rabbitmq-cluster), one Erlang cookie for the three.
# b and c join a with `rabbitmqctl join_cluster`.
#
#   scripts/rabbitmq-cluster.sh start               start the three nodes: a new cluster is joined, a
#                                                   stopped one restarts with its queues and messages
#   scripts/rabbitmq-cluster.sh stop                stop every node, keep data and logs
#   scripts/rabbitmq-cluster.sh reset               stop every node and delete data and logs
#   scripts/rabbitmq-cluster.sh status              cluster_status as node a (or the first live node) sees it
#   scripts/rabbitmq-cluster.sh stop-node a|b|c     stop one node (a node loss, for tests)
#   scripts/rabbitmq-cluster.sh start-node a|b|c    start a stopped node again; it rejoins by itself
#   scripts/rabbitmq-cluster.sh urls                the AMQP_URL to give the service
#   scripts/rabbitmq-cluster.sh leader QUEUE        the node that leads quorum queue QUEUE
#
# Works on a fresh Debian machine: installs rabbitmq-server with apt-get where it is missing.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/services.sh
. "$here/lib/services.sh"

BASE=${RABBITMQ_CLUSTER_DIR:-/tmp/solstice-rabbitmq-cluster}
NODES=(a b c)
RABBIT_BIN=/usr/lib/rabbitmq/bin

port_of() { case $1 in a) echo 5681 ;; b) echo 5682 ;; c) echo 5683 ;; *) echo "unknown node $1" >&2; exit 2 ;; esac; }
name_of() { echo "solstice-$1@localhost"; }

# The Debian wrapper in /usr/sbin switches to the rabbitmq user and resets the environment; the
# scripts under /usr/lib/rabbitmq/bin honour RABBITMQ_* variables, which is what three nodes need.
bin() {
  if [ -x "$RABBIT_BIN/$1" ]; then echo "$RABBIT_BIN/$1"; else command -v "$1"; fi
}

node_env() { # node -> the environment of that node's commands
  local n=$1 port dir
  port=$(port_of "$n")
  dir="$BASE/$n"
  echo HOME="$BASE" \
    RABBITMQ_NODENAME="$(name_of "$n")" \
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT="$port" \
    RABBITMQ_DIST_PORT=$((port + 20000)) \
    RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf" \
    RABBITMQ_CONF_ENV_FILE="$dir/rabbitmq-env.conf" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" \
    RABBITMQ_MNESIA_BASE="$dir/mnesia" \
    RABBITMQ_LOG_BASE="$dir/log" \
    RABBITMQ_PID_FILE="$dir/pid" \
    ERL_EPMD_ADDRESS=127.0.0.1 \
    ERL_CRASH_DUMP="$BASE/erl_crash.dump"
}

ctl() { # node args...
  local n=$1
  shift
  # shellcheck disable=SC2046
  env $(node_env "$n") "$(bin rabbitmqctl)" -n "$(name_of "$n")" "$@"
}

running() { port_open 127.0.0.1 "$(port_of "$1")" && ctl "$1" -q status >/dev/null 2>&1; }

prepare() {
  local n=$1 dir="$BASE/$1"
  mkdir -p "$dir/mnesia" "$dir/log"
  cat >"$dir/rabbitmq.conf" <<EOF
listeners.tcp.default = 127.0.0.1:$(port_of "$n")
loopback_users.guest = true
EOF
  # Inter-node traffic on the loopback only.
  echo 'SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"' >"$dir/rabbitmq-env.conf"
  echo '[].' >"$dir/enabled_plugins"
}

launch_node() {
  local n=$1
  if running "$n"; then
    echo "node $(name_of "$n") already running" >&2
    return 0
  fi
  prepare "$n"
  echo "starting $(name_of "$n") on 127.0.0.1:$(port_of "$n")..." >&2
  # Every descriptor redirected: a caller reading this script's output must not wait for the node.
  # shellcheck disable=SC2046
  (cd "$BASE" && exec env $(node_env "$n") nohup "$(bin rabbitmq-server)") \
    >>"$BASE/$n/log/console.log" 2>&1 </dev/null &
}

await_node() {
  wait_port 127.0.0.1 "$(port_of "$1")" "RabbitMQ node $1" 120
  ctl "$1" -q await_startup --timeout 120 >/dev/null
}

start_node() {
  launch_node "$1"
  await_node "$1"
}

stop_node() {
  local n=$1
  if ! port_open 127.0.0.1 "$(port_of "$n")" && ! ctl "$n" -q status >/dev/null 2>&1; then
    return 0
  fi
  echo "stopping $(name_of "$n")..." >&2
  if ! ctl "$n" -q stop >/dev/null 2>&1; then
    local pid
    pid=$(cat "$BASE/$n/pid" 2>/dev/null || true)
    if [ -n "$pid" ]; then kill -9 "$pid" 2>/dev/null || true; fi
  fi
  local i
  for ((i = 0; i < 60; i++)); do
    if ! port_open 127.0.0.1 "$(port_of "$n")"; then return 0; fi
    sleep 0.5
  done
  echo "error: node $n still answers on $(port_of "$n")" >&2
  return 1
}

cmd_start() {
  ensure_rabbitmq_package
  local fresh=0
  # A cluster that was stopped restarts with its queues and messages; only a new one is joined.
  if [ ! -f "$BASE/joined" ]; then fresh=1; fi
  if [ "$fresh" = 1 ]; then
    cmd_stop
    rm -rf "$BASE"
    mkdir -p "$BASE"
    # One cookie for the three nodes and for rabbitmqctl (which reads $HOME/.erlang.cookie).
    head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' | tr 'a-f' 'A-F' >"$BASE/.erlang.cookie"
    chmod 400 "$BASE/.erlang.cookie"
  fi
  # All at once: after a full stop, each node waits for the others (the last one down holds the
  # newest cluster state) before it completes its start.
  for n in "${NODES[@]}"; do launch_node "$n"; done
  for n in "${NODES[@]}"; do await_node "$n"; done
  if [ "$fresh" = 1 ]; then
    for n in b c; do
      ctl "$n" -q stop_app
      ctl "$n" -q join_cluster "$(name_of a)"
      ctl "$n" -q start_app
    done
    touch "$BASE/joined"
  fi
  ctl a -q await_online_nodes 3 --timeout 60 >/dev/null 2>&1 || true
  cmd_status
}

cmd_stop() {
  for n in "${NODES[@]}"; do stop_node "$n" || true; done
}

cmd_reset() {
  cmd_stop
  rm -rf "$BASE"
}

cmd_status() {
  for n in "${NODES[@]}"; do
    if running "$n"; then
      ctl "$n" cluster_status
      return 0
    fi
  done
  echo "no node of the cluster is running" >&2
  return 3
}

cmd_urls() {
  echo "amqp://guest:guest@127.0.0.1:5681/%2f,amqp://guest:guest@127.0.0.1:5682/%2f,amqp://guest:guest@127.0.0.1:5683/%2f"
}

cmd_leader() {
  local q=$1 n
  for n in "${NODES[@]}"; do
    if running "$n"; then
      ctl "$n" -q list_queues name leader --no-table-headers 2>/dev/null |
        awk -F'\t' -v q="$q" '$1 == q { sub(/^solstice-/, "", $2); sub(/@.*/, "", $2); print $2 }'
      return 0
    fi
  done
  return 3
}

ensure_rabbitmq_package() {
  if [ ! -x "$RABBIT_BIN/rabbitmq-server" ] && ! command -v rabbitmq-server >/dev/null; then
    apt_install rabbitmq-server
  fi
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  reset) cmd_reset ;;
  status) cmd_status ;;
  urls) cmd_urls ;;
  stop-node) stop_node "${2:?node a, b or c}" ;;
  start-node) ensure_rabbitmq_package && start_node "${2:?node a, b or c}" ;;
  leader) cmd_leader "${2:?queue name}" ;;
  *)
    sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
