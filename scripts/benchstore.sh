#!/usr/bin/env bash
# Stored-index benchmark (issue 13): for each corpus size, on this
# machine, it
#   1. generates a corpus of that many MiB with scripts/gencorpus (seeded,
#      so the same size gives the same files), and distinct questions
#      about it (gencorpus -questions, written beside the folder);
#   2. runs `citebot ingest --corpus DIR --data-dir D` under
#      /usr/bin/time -v: wall time, MB/s, peak RSS;
#   3. starts `citebot serve --data-dir D` offline with the answer cache
#      off (CITEBOT_ANSWER_CACHE=0, and every question sent with
#      Cache-Control: no-cache): the time from starting the process to
#      /readyz answering 200, and the server's peak RSS over the whole run
#      (VmHWM in /proc/PID/status, read just before SIGTERM);
#   4. asks SEQ (300) distinct questions one at a time over HTTP
#      (POST /v1/ask, scripts/loadtest -c 1 -once): p50, p99; then CONNS
#      (32) connections for DURATION (30s) with the next questions, none
#      asked before (-once): answers/s, p50, p99, errors. If the questions
#      run out first the run ends early and the script says so;
#   5. with INPROC=1 (the default), the same without HTTP, in process:
#      BenchmarkAnswerDistinct/generated opens an engine on the data dir
#      ingest wrote and asks SEQ questions one at a time, then INPROC_N
#      from 32 goroutines (retrieval/bench_test.go);
# and prints one summary row per size (a Markdown table).
#
#   scripts/benchstore.sh                    # 5, 50 and 200 MiB: 1x, 10x, 40x the 5 MB corpus
#   SIZES="5 50" scripts/benchstore.sh
#   SIZES=5 DURATION=60s INPROC=0 scripts/benchstore.sh
#   CITEBOT_BIN=/path/to/citebot scripts/benchstore.sh   # a binary built elsewhere
#   KEEP=1 scripts/benchstore.sh             # keep the corpora, data dirs and logs
#   WORK=/tmp/bs SIZES=50 scripts/benchstore.sh   # ... in /tmp/bs (corpus50, data50, 50.*.log)
#
# Settings (environment): SIZES, SEQ (300), CONNS (32), DURATION (30s),
# QUESTIONS to generate per corpus (100000; a 5 MiB corpus gives about
# 64,000 distinct ones), INPROC (1) and INPROC_N (3000), SEED (1), PORT
# (18090), READY_TIMEOUT in seconds (1800), WORK (a folder to work in,
# kept; default a fresh one under /tmp, removed at the end unless KEEP=1).
# Every other CITEBOT_* variable reaches ingest and serve
# (CITEBOT_LOG_LEVEL defaults to info, as in production); the model,
# Redis, Weaviate and chat settings are removed, so that both run offline
# with the in-process index. It uses only the CLI and the HTTP API, never
# file names inside the data dir. Needs GNU time: apt-get install time.
# Traffic goes only to 127.0.0.1. docs/benchmarks.md has the figures.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-"5 50 200"}
SEQ=${SEQ:-300}
CONNS=${CONNS:-32}
DURATION=${DURATION:-30s}
QUESTIONS=${QUESTIONS:-100000}
INPROC=${INPROC:-1}
INPROC_N=${INPROC_N:-3000}
SEED=${SEED:-1}
PORT=${PORT:-18090}
READY_TIMEOUT=${READY_TIMEOUT:-1800}

if ! /usr/bin/time -v true >/dev/null 2>&1; then
  echo "benchstore: needs GNU time at /usr/bin/time to measure ingest; install it with: apt-get update && apt-get install -y time" >&2
  exit 2
fi
for tool in curl awk; do
  command -v "$tool" >/dev/null || { echo "benchstore: needs $tool" >&2; exit 2; }
done
if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/readyz" 2>/dev/null; then
  echo "benchstore: something already answers on 127.0.0.1:$PORT; set PORT" >&2
  exit 2
fi

# A WORK folder given is kept; one made here goes at the end unless KEEP.
if [ -n "${WORK:-}" ]; then
  work=$WORK KEEP=1
else
  work=$(mktemp -d /tmp/benchstore.XXXXXX)
fi
mkdir -p "$work/bin"
server=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  if [ -z "${KEEP:-}" ]; then rm -rf "$work"; else echo "== kept $work"; fi
}
trap cleanup EXIT

# Offline: no model, no shared state, no remote index, no chat adapters,
# and no data dir or corpus but the ones given here.
offline=(env -u OPENAI_API_KEY -u OPENAI_BASE_URL -u CITEBOT_CHAT_MODEL -u CITEBOT_EMBED_MODEL
  -u CITEBOT_INDEX -u WEAVIATE_URL -u WEAVIATE_API_KEY -u CITEBOT_REDIS_URL -u CITEBOT_CONFIG
  -u SLACK_BOT_TOKEN -u SLACK_APP_TOKEN -u SLACK_SIGNING_SECRET -u TELEGRAM_BOT_TOKEN
  -u CITEBOT_DATA_DIR -u CITEBOT_CORPUS -u CITEBOT_REBUILD -u CITEBOT_API_TOKEN)

load() { cut -d' ' -f1-3 /proc/loadavg; }
# seconds turns /usr/bin/time's "h:mm:ss" or "m:ss.ss" into seconds.
seconds() { awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }' <<<"$1"; }
# field prints the word after the first one equal to $1 on the line of $2
# that starts with $3 (loadtest's report), or "?".
field() { awk -v k="$1" -v p="$3" 'index($0, p) == 1 { for (i = 1; i < NF; i++) if ($i == k) { print $(i + 1); exit } }' "$2" | grep . || echo "?"; }
# bench prints the value before unit $1 on the benchmark line for $2, or "?".
bench() { awk -v u="$1" -v n="$2" 'index($1, n) { for (i = 2; i <= NF; i++) if ($i == u) { print $(i - 1); exit } }' "$3" | grep . || echo "?"; }
ms() { echo "${1%ms}"; }

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -h | awk '/^Mem:/{print $2}') memory; load average $(load)"
echo "== building in $work/bin"
if [ -n "${CITEBOT_BIN:-}" ]; then
  cp "$CITEBOT_BIN" "$work/bin/citebot"
else
  CGO_ENABLED=0 go build -trimpath -o "$work/bin/citebot" ./cmd/citebot
fi
go build -o "$work/bin/loadtest" ./scripts/loadtest
go build -o "$work/bin/gencorpus" ./scripts/gencorpus
echo "citebot: $("$work/bin/citebot" version 2>/dev/null | head -1 || echo unknown); commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"

rows=()
for mb in $SIZES; do
  corpus="$work/corpus$mb"
  data="$work/data$mb"
  log="$work/$mb"
  echo
  echo "=== $mb MiB (load average $(load))"

  echo "== generating the corpus and $QUESTIONS questions (seed $SEED)"
  rm -rf "$corpus" "$corpus.questions.jsonl" "$data"
  "$work/bin/gencorpus" -mb "$mb" -seed "$SEED" -out "$corpus" -questions "$QUESTIONS"
  questions="$corpus.questions.jsonl"
  nq=$(wc -l <"$questions")
  files=$(find "$corpus" -type f | wc -l)
  bytes=$(find "$corpus" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
  mib=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }')
  if [ "$nq" -le "$SEQ" ]; then
    echo "benchstore: only $nq questions, not enough for $SEQ sequential ones and a load phase" >&2
    exit 1
  fi

  echo "== citebot ingest --corpus $corpus --data-dir $data"
  "${offline[@]}" CITEBOT_LOG_FORMAT=json CITEBOT_LOG_LEVEL="${CITEBOT_LOG_LEVEL:-info}" \
    /usr/bin/time -v -o "$log.ingest.time" \
    "$work/bin/citebot" ingest --corpus "$corpus" --data-dir "$data" >"$log.ingest.out" 2>"$log.ingest.log" || {
    echo "benchstore: ingest failed:" >&2
    tail -20 "$log.ingest.log" "$log.ingest.out" >&2
    exit 1
  }
  grep -E '^(indexed|rebuilt)' "$log.ingest.out" || true
  ingest_s=$(seconds "$(awk -F': ' '/Elapsed \(wall clock\)/ { print $2 }' "$log.ingest.time")")
  ingest_rss=$(awk '/Maximum resident set size/ { printf "%.0f", $NF / 1024 }' "$log.ingest.time")
  mbps=$(awk -v b="$bytes" -v s="$ingest_s" 'BEGIN { printf "%.2f", b / 1048576 / s }')
  chunks=$(sed -n 's/^indexed [0-9]* files, \([0-9]*\) chunks.*/\1/p' "$log.ingest.out" | grep . || echo "?")
  echo "ingest: ${ingest_s} s, ${mbps} MiB/s, peak RSS ${ingest_rss} MiB"

  echo "== citebot serve --data-dir $data on 127.0.0.1:$PORT (answer cache off; log in $log.serve.log)"
  start=$(date +%s.%N)
  "${offline[@]}" CITEBOT_ADDR="127.0.0.1:$PORT" CITEBOT_ANSWER_CACHE=0 CITEBOT_LOG_FORMAT=json \
    CITEBOT_LOG_LEVEL="${CITEBOT_LOG_LEVEL:-info}" \
    "$work/bin/citebot" serve --data-dir "$data" 2>"$log.serve.log" &
  server=$!
  until curl -fsS -o /dev/null "http://127.0.0.1:$PORT/readyz" 2>/dev/null; do
    if ! kill -0 "$server" 2>/dev/null; then
      echo "benchstore: serve exited before it was ready:" >&2
      tail -20 "$log.serve.log" >&2
      exit 1
    fi
    if awk -v s="$start" -v now="$(date +%s.%N)" -v t="$READY_TIMEOUT" 'BEGIN { exit !(now - s > t) }'; then
      echo "benchstore: serve not ready after $READY_TIMEOUT s" >&2
      exit 1
    fi
    sleep 0.05
  done
  ready_s=$(awk -v s="$start" -v now="$(date +%s.%N)" 'BEGIN { printf "%.2f", now - s }')
  ready_rss=$(awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$server/status")
  echo "ready: ${ready_s} s after start, RSS ${ready_rss} MiB"

  echo "== $SEQ distinct questions, one at a time"
  status=0
  "$work/bin/loadtest" -url "http://127.0.0.1:$PORT" -c 1 -n "$SEQ" -d 0 -once -no-cache \
    -questions "$questions" -sample 1h >"$log.seq" || status=$?
  cat "$log.seq"
  [ "$status" -eq 0 ] || echo "benchstore: WARNING: the sequential run had errors (exit $status)"
  seq_p50=$(ms "$(field p50 "$log.seq" latency:)")
  seq_p99=$(ms "$(field p99 "$log.seq" latency:)")

  echo "== $CONNS connections for $DURATION, distinct questions not asked before"
  status=0
  "$work/bin/loadtest" -url "http://127.0.0.1:$PORT" -c "$CONNS" -d "$DURATION" -once -skip "$SEQ" -no-cache \
    -questions "$questions" >"$log.load" || status=$?
  cat "$log.load"
  load_rate=$(field "answers/s:" "$log.load" answers/s:)
  load_p50=$(ms "$(field p50 "$log.load" latency:)")
  load_p99=$(ms "$(field p99 "$log.load" latency:)")
  load_errors=$(field "errors:" "$log.load" errors:)
  ran_out=
  if grep -q "before the run's end" "$log.load"; then
    ran_out="*"
    echo "benchstore: NOTE: the $((nq - SEQ)) questions ran out before $DURATION; the load phase ended early (raise QUESTIONS, or lower DURATION)"
  fi

  echo "== server"
  curl -fsS "http://127.0.0.1:$PORT/metrics" | grep -E '^citebot_(answer_cache_lookups_total|questions_total)' || true
  serve_rss=$(awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$server/status" 2>/dev/null || echo "?")
  echo "serve peak RSS (VmHWM): ${serve_rss} MiB"
  kill -TERM "$server"
  wait "$server" || true
  server=

  in_p50="-" in_p99="-" in_rate="-" in_open="-"
  if [ "$INPROC" = 1 ]; then
    n32=$((INPROC_N < nq ? INPROC_N : nq))
    echo "== in process: BenchmarkAnswerDistinct/generated, $SEQ questions one at a time, then $n32 from 32 goroutines"
    for run in "conns=1:$SEQ" "conns=32:$n32"; do
      CITEBOT_BENCH_CORPUS="$corpus" CITEBOT_BENCH_DATA_DIR="$data" "${offline[@]}" \
        go test ./retrieval -run '^$' -bench "BenchmarkAnswerDistinct/generated/${run%%:*}\$" \
        -benchtime "${run##*:}x" -timeout 3h >"$log.inproc.${run%%:*}" 2>&1 || {
        echo "benchstore: the in-process benchmark failed:" >&2
        tail -20 "$log.inproc.${run%%:*}" >&2
        exit 1
      }
      grep -E '^Benchmark' "$log.inproc.${run%%:*}"
    done
    in_p50=$(bench p50-ms "generated/conns=1-" "$log.inproc.conns=1")
    in_p99=$(bench p99-ms "generated/conns=1-" "$log.inproc.conns=1")
    in_open=$(bench open-ms "generated/conns=1-" "$log.inproc.conns=1")
    in_rate=$(bench answers/s "generated/conns=32-" "$log.inproc.conns=32")
  fi

  rows+=("| $mb | $files | $mib | $chunks | $ingest_s | $mbps | $ingest_rss | $ready_s | $serve_rss | $seq_p50 / $seq_p99 | $load_rate$ran_out | $load_p50 / $load_p99 | $load_errors | $in_open | $in_p50 / $in_p99 | $in_rate |")
done

echo
echo "== summary: $(nproc) cores, load average $(load) at the end; times in s, memory in MiB, latency in ms"
echo "| MiB | files | corpus MiB | chunks | ingest s | ingest MiB/s | ingest peak RSS | serve ready s | serve peak RSS | HTTP 1 conn p50 / p99 | HTTP $CONNS conns answers/s | HTTP $CONNS conns p50 / p99 | errors | engine open ms | engine 1 goroutine p50 / p99 | engine 32 goroutines answers/s |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
printf '%s\n' "${rows[@]}"
echo "(HTTP: $SEQ questions one at a time, then $CONNS connections for $DURATION; every question asked once, answer cache off.)"
for r in "${rows[@]}"; do
  if [[ $r == *"*"* ]]; then echo "* the questions ran out before $DURATION; the load phase ended early."; break; fi
done
