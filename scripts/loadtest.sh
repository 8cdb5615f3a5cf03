#!/usr/bin/env bash
# Load test: starts `citebot serve` offline on the embedded corpus on this
# machine, drives POST /v1/ask with scripts/loadtest (32 connections for
# 60 seconds by default, a mix of answerable and unanswerable questions),
# prints answers/s, latency percentiles, errors and the server's memory
# over the run, then stops the server with SIGTERM.
#
#   scripts/loadtest.sh                 # 32 connections, 60 s
#   CONNS=64 DURATION=30s scripts/loadtest.sh
#   CITEBOT_LOG_LEVEL=warn scripts/loadtest.sh   # without per-question logs
#   CITEBOT_BIN=/path/to/citebot scripts/loadtest.sh  # a binary built elsewhere
#   scripts/loadtest.sh -no-cache       # every question to the engine (bypasses the answer cache)
#
# Every CITEBOT_* variable reaches the server, e.g. CITEBOT_MAX_CONCURRENT.
# Traffic goes only to 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

CONNS=${CONNS:-32}
DURATION=${DURATION:-60s}
PORT=${PORT:-18080}
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -h | awk '/^Mem:/{print $2}') memory; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== building"
if [ -n "${CITEBOT_BIN:-}" ]; then
  cp "$CITEBOT_BIN" "$work/citebot"
else
  CGO_ENABLED=0 go build -trimpath -o "$work/citebot" ./cmd/citebot
fi
go build -o "$work/loadtest" ./scripts/loadtest

echo "== starting citebot serve on 127.0.0.1:$PORT (logs in $work/server.log)"
CITEBOT_ADDR=127.0.0.1:$PORT CITEBOT_DATA_DIR="$work/data" CITEBOT_LOG_FORMAT=json \
  CITEBOT_LOG_LEVEL=${CITEBOT_LOG_LEVEL:-info} \
  "$work/citebot" serve 2>"$work/server.log" &
server=$!
for _ in $(seq 1 600); do
  if curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; then break; fi
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null

echo "== load: $CONNS connections for $DURATION"
status=0
"$work/loadtest" -url "http://127.0.0.1:$PORT" -c "$CONNS" -d "$DURATION" "$@" || status=$?

echo "== server"
curl -fsS "http://127.0.0.1:$PORT/metrics" | grep -E '^citebot_(answer_cache_lookups_total|questions_total|http_rejected_total)' || true
echo "log lines: $(wc -l <"$work/server.log")"
kill -TERM "$server"
wait "$server" || true
exit $status
