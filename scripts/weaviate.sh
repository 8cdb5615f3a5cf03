#!/usr/bin/env bash
# Builds and runs the Weaviate server citebot's scale-out mode and its
# integration tests use. The server is Go, built from the module proxy.
#
#   scripts/weaviate.sh build              build weaviate-server once (cached in $(go env GOPATH)/bin); print its path
#   scripts/weaviate.sh start [PORT] [DIR] start one node on 127.0.0.1:PORT (default 8081) with data in DIR; print its URL
#   scripts/weaviate.sh stop [DIR]         stop the node started with DIR
#
# The integration tests (go test ./retrieval ./cmd/citebot) start their own
# nodes and clusters from the binary; `start` is for trying citebot by hand
# and for the benchmarks in docs/benchmarks.md.
set -euo pipefail

version=v1.35.2
gobin=$(go env GOBIN)
[ -n "$gobin" ] || gobin="$(go env GOPATH | cut -d: -f1)/bin"
bin="${CITEBOT_WEAVIATE_SERVER:-$gobin/weaviate-server}"

built() {
  [ -x "$bin" ] && go version -m "$bin" 2>/dev/null | grep -Eq "^[[:space:]]*mod[[:space:]]+github.com/weaviate/weaviate[[:space:]]+$version"
}

build() {
  if built; then
    echo "$bin"
    return
  fi
  echo "building weaviate-server $version (a few minutes on two cores)..." >&2
  # -p 1 keeps the build from starving other work on a small machine.
  GOFLAGS=-mod=mod GOBIN="$(dirname "$bin")" go install -p "${WEAVIATE_BUILD_JOBS:-1}" "github.com/weaviate/weaviate/cmd/weaviate-server@$version" >&2
  echo "$bin"
}

start() {
  local port=${1:-8081} dir=${2:-${TMPDIR:-/tmp}/citebot-weaviate}
  build >/dev/null
  mkdir -p "$dir"
  # Loopback only; the IPv6 address of these machines breaks the Raft
  # listener, hence the explicit advertise address. Telemetry is off: the
  # server must not call out.
  PERSISTENCE_DATA_PATH="$dir/data" \
  AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED=true \
  DEFAULT_VECTORIZER_MODULE=none ENABLE_MODULES= \
  DISABLE_TELEMETRY=true GO_PROFILING_DISABLE=true \
  CLUSTER_HOSTNAME=node1 CLUSTER_ADVERTISE_ADDR=127.0.0.1 CLUSTER_BIND_ADDR=127.0.0.1 \
  CLUSTER_GOSSIP_BIND_PORT=$((port + 1)) CLUSTER_DATA_BIND_PORT=$((port + 2)) \
  RAFT_PORT=$((port + 3)) RAFT_INTERNAL_RPC_PORT=$((port + 4)) GRPC_PORT=$((port + 5)) \
  RAFT_JOIN=node1 RAFT_BOOTSTRAP_EXPECT=1 LOG_LEVEL=warning \
    nohup "$bin" --host 127.0.0.1 --port "$port" --scheme http >"$dir/weaviate.log" 2>&1 &
  echo $! >"$dir/pid"
  for _ in $(seq 1 600); do
    if curl -fsS "http://127.0.0.1:$port/v1/.well-known/ready" >/dev/null 2>&1; then
      echo "http://127.0.0.1:$port"
      return
    fi
    if ! kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
      echo "weaviate-server exited:" >&2; tail -20 "$dir/weaviate.log" >&2; exit 1
    fi
    sleep 0.2
  done
  echo "weaviate-server not ready after 2 minutes:" >&2; tail -20 "$dir/weaviate.log" >&2; exit 1
}

stop() {
  local dir=${1:-${TMPDIR:-/tmp}/citebot-weaviate}
  [ -f "$dir/pid" ] || { echo "no node started in $dir" >&2; exit 1; }
  kill "$(cat "$dir/pid")" && rm -f "$dir/pid"
}

case "${1:-}" in
  build) build ;;
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) sed -n '2,12p' "$0" >&2; exit 2 ;;
esac
