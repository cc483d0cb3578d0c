#!/usr/bin/env bash
# Hub core benchmark driver: builds the jar, starts a fresh server on a fresh database, creates
# the user(s) and token(s) with the CLI, runs one load scenario from bench/load/Load.java, stops
# the server and prints the results. Everything runs against 127.0.0.1 only. Run it through the
# benchmarks' entry point (bench/run.sh lists them):
#
#   bench/run.sh <scenario> <sqlite|postgres>
#
# Scenarios:
#   create     POST /api/notifications, concurrency 16, one user and one token
#   create16   the same with 16 users, one token each (worker i uses token i)
#   sse        1,000 open SSE streams of one user, POST at a steady rate, POST->SSE latency
#   sse-idle   memory per open stream: the server's RSS and heap after a full GC with no stream
#              open, then with STREAMS idle streams open (jcmd GC.run + GC.heap_info)
#
# The server's RSS (VmRSS of /proc/<pid>/status) is sampled every 0.2 s during the load run and
# reported as peak and at the end.
# Knobs (environment): PORT (18080), SKIP_BUILD=1, JFR=1 (record the server with JFR and
# print hot methods), CONCURRENCY (16), REQUESTS (20000), MAX_SECONDS (15), WARMUP (3),
# STREAMS (1000), RATE (200), DURATION (10, seconds), PUBLISHERS (8), OPEN_CONCURRENCY (64, streams
# being opened at once), PG_DB (bench), SERVER_OPTS, DATABASE_POOL_SIZE. Results are also kept in target/bench/<scenario>-<db>.txt.
set -euo pipefail

scenario=${1:?usage: bench/run.sh <create|create16|sse|sse-idle> <sqlite|postgres>}
db=${2:?usage: bench/run.sh <create|create16|sse|sse-idle> <sqlite|postgres>}
case "$scenario" in create|create16|sse|sse-idle) ;; *) echo "unknown scenario $scenario" >&2; exit 2 ;; esac
case "$db" in sqlite|postgres) ;; *) echo "unknown database $db" >&2; exit 2 ;; esac

cd "$(dirname "$0")/../.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA="$JAVA_HOME/bin/java"
PORT=${PORT:-18080}
PG_DB=${PG_DB:-bench}
JAR=${JAR:-target/priority-notify.jar} # JAR=... measures another build (SKIP_BUILD=1)
OUT=target/bench
mkdir -p "$OUT"
RESULT="$OUT/$scenario-$db.txt"

# Both the server and the load generator (started from here) hold one descriptor per stream.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" || true
if [[ "$scenario" == sse* && "$(ulimit -n)" != unlimited && "$(ulimit -n)" -lt $(( ${STREAMS:-1000} + 1000 )) ]]; then
  echo "open-file limit $(ulimit -n) is too low for ${STREAMS:-1000} streams" >&2
  exit 1
fi

if [[ "${SKIP_BUILD:-0}" != 1 || ! -f "$JAR" ]]; then
  ./mvnw -B -q -DskipTests package
fi

# Fresh state for every run.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pn-bench.XXXXXX")
export DATA_DIR="$WORK/data"
export PORT
export LOG_LEVEL=${LOG_LEVEL:-WARN}
if [[ "$db" == postgres ]]; then
  psql -q -h 127.0.0.1 -U postgres -d postgres -c "drop database if exists $PG_DB" -c "create database $PG_DB"
  export DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$PG_DB"
else
  export DATABASE_URL=""
fi

server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# Users and tokens through the CLI, as an operator would.
users=1
[[ "$scenario" == create16 ]] && users=16
TOKENS="$WORK/tokens"
: > "$TOKENS"
for i in $(seq 1 "$users"); do
  "$JAVA" -jar "$JAR" user create "bench$i" > /dev/null 2>"$WORK/cli.err" || { cat "$WORK/cli.err" >&2; exit 1; }
  "$JAVA" -jar "$JAR" token create --user "bench$i" --name "bench" >> "$TOKENS" 2>"$WORK/cli.err" || { cat "$WORK/cli.err" >&2; exit 1; }
done

jfr_opts=()
if [[ "${JFR:-0}" == 1 ]]; then
  JFR_FILE="$OUT/$scenario-$db.jfr"
  rm -f "$JFR_FILE"
  jfr_opts=("-XX:StartFlightRecording=filename=$JFR_FILE,settings=profile,dumponexit=true")
fi

# shellcheck disable=SC2086
"$JAVA" ${SERVER_OPTS:-} "${jfr_opts[@]}" -jar "$JAR" serve > "$WORK/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 300); do
  curl -fs "http://127.0.0.1:$PORT/healthz" > /dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
  sleep 0.1
done
curl -fs "http://127.0.0.1:$PORT/healthz" > /dev/null || { echo "server did not come up" >&2; cat "$WORK/server.log" >&2; exit 1; }

{
  echo "# $scenario on $db, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $("$JAVA" -version 2>&1 | head -1)"
  echo "# commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$RESULT"

# CPU seconds (user+system) of a process, from /proc: shows how much of the 2 cores the
# server had while the load generator ran beside it.
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / hz }' "/proc/$1/stat" 2>/dev/null || echo 0; }
# VmRSS in KiB, sampled in the background during the load run: peak and last sample.
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
RSS_LOG="$WORK/rss"
sample_rss() {
  while kill -0 "$server_pid" 2>/dev/null; do
    rss_kib "$server_pid" >> "$RSS_LOG"
    sleep 0.2
  done
}
# Heap in use after a full GC, in KiB (G1, Serial and Parallel all print "used NK" first).
heap_after_gc_kib() {
  "$JAVA_HOME/bin/jcmd" "$1" GC.run > /dev/null 2>&1 || true
  "$JAVA_HOME/bin/jcmd" "$1" GC.heap_info 2>/dev/null | grep -o 'used [0-9]*K' | head -1 | tr -dc 0-9
}
rss_before=$(rss_kib "$server_pid")
: > "$RSS_LOG"
sample_rss &
sampler_pid=$!
cpu_before=$(cpu_seconds "$server_pid")
load_start=$(date +%s.%N)

status=0
case "$scenario" in
  create|create16)
    "$JAVA" bench/load/Load.java create --port "$PORT" --tokens-file "$TOKENS" --label "$scenario-$db" \
      --concurrency "${CONCURRENCY:-16}" --warmup-seconds "${WARMUP:-3}" \
      --requests "${REQUESTS:-20000}" --max-seconds "${MAX_SECONDS:-15}" | tee -a "$RESULT" || status=$?
    ;;
  sse)
    "$JAVA" bench/load/Load.java sse --port "$PORT" --tokens-file "$TOKENS" --label "$scenario-$db" \
      --streams "${STREAMS:-1000}" --rate "${RATE:-200}" --seconds "${DURATION:-10}" \
      --publishers "${PUBLISHERS:-8}" --warmup-seconds "${WARMUP:-3}" \
      --open-concurrency "${OPEN_CONCURRENCY:-64}" --reader "${READER:-nio}" | tee -a "$RESULT" || status=$?
    ;;
  sse-idle)
    # Idle memory first, with the server warmed by nothing but start-up; then the same with the
    # streams open and idle. Two GCs each, so that the second one's figure is what is live.
    heap_after_gc_kib "$server_pid" > /dev/null
    heap0=$(heap_after_gc_kib "$server_pid"); sleep 1; rss0=$(rss_kib "$server_pid")
    READY="$WORK/streams-open"; RELEASE="$WORK/release"
    "$JAVA" bench/load/Load.java sse --port "$PORT" --tokens-file "$TOKENS" --label "$scenario-$db" \
      --streams "${STREAMS:-1000}" --open-concurrency "${OPEN_CONCURRENCY:-64}" \
      --hold-ready-file "$READY" --hold-release-file "$RELEASE" --hold-seconds 120 | tee -a "$RESULT" &
    load_pid=$!
    for _ in $(seq 1 1200); do [[ -f "$READY" ]] && break; kill -0 "$load_pid" 2>/dev/null || break; sleep 0.1; done
    sleep 2 # every stream in its live loop, heartbeats not due yet (15 s)
    heap_after_gc_kib "$server_pid" > /dev/null
    heap1=$(heap_after_gc_kib "$server_pid"); sleep 1; rss1=$(rss_kib "$server_pid")
    touch "$RELEASE"
    wait "$load_pid" || status=$?
    awk -v h0="$heap0" -v h1="$heap1" -v r0="$rss0" -v r1="$rss1" -v n="${STREAMS:-1000}" 'BEGIN {
      printf "[sse-idle] 0 streams: RSS %.1f MiB, heap after GC %.1f MiB\n", r0 / 1024, h0 / 1024
      printf "[sse-idle] %d idle streams: RSS %.1f MiB, heap after GC %.1f MiB\n", n, r1 / 1024, h1 / 1024
      printf "RESULT mode=sse-idle streams=%d rss0_kib=%d rss1_kib=%d heap0_kib=%d heap1_kib=%d rss_per_stream_kib=%.1f heap_per_stream_kib=%.1f\n", n, r0, r1, h0, h1, (r1 - r0) / n, (h1 - h0) / n
    }' | tee -a "$RESULT"
    ;;
esac
kill "$sampler_pid" 2>/dev/null || true
wait "$sampler_pid" 2>/dev/null || true
sort -n "$RSS_LOG" | tail -1 | awk -v b="$rss_before" -v last="$(tail -1 "$RSS_LOG")" \
  '{ printf "# server RSS: %.1f MiB before the load run, peak %.1f MiB during it, %.1f MiB at its end\n", b / 1024, $1 / 1024, last / 1024 }' | tee -a "$RESULT"

load_end=$(date +%s.%N)
cpu_after=$(cpu_seconds "$server_pid")
awk -v a="$cpu_before" -v b="$cpu_after" -v s="$load_start" -v e="$load_end" \
  'BEGIN { printf "# load average after: '"$(cut -d' ' -f1-3 /proc/loadavg)"'; server CPU during the load run: %.1f s over %.1f s wall = %.2f of %d cores (the rest: load generator, database, others)\n", b - a, e - s, (b - a) / (e - s), '"$(nproc)"' }' | tee -a "$RESULT"

# For sse: the server's CPU per delivered frame, which the machine's other load disturbs far
# less than latency does (CPU time is only counted while the server runs).
if [[ "$scenario" == sse ]]; then
  deliveries=$(grep -o 'RESULT mode=sse .*' "$RESULT" | tail -1 | awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } print v["created"] * v["streams"] }')
  awk -v a="$cpu_before" -v b="$cpu_after" -v d="${deliveries:-0}" \
    'BEGIN { if (d > 0) printf "# server CPU per delivered frame: %.2f us (%.1f s for %d frames)\n", (b - a) * 1e6 / d, b - a, d }' | tee -a "$RESULT"
fi

# Stop the server, then report anything it logged at WARN or above. A server that is gone
# already did not survive the load (or was stopped from outside): say so, with its exit status.
if ! kill -0 "$server_pid" 2>/dev/null; then
  server_status=0
  wait "$server_pid" || server_status=$?
  echo "# WARNING: the server exited during the run, exit status $server_status" | tee -a "$RESULT"
  status=1
fi
kill -TERM "$server_pid" 2>/dev/null || true
for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
if [[ -s "$WORK/server.log" ]]; then
  echo "# server log (WARN and above), first 40 lines:" | tee -a "$RESULT"
  head -40 "$WORK/server.log" | tee -a "$RESULT"
  echo "# server log lines in total: $(wc -l < "$WORK/server.log")" | tee -a "$RESULT"
fi
if [[ "${JFR:-0}" == 1 && -f "${JFR_FILE:-}" ]]; then
  "$JAVA" bench/profile/JfrSummary.java "$JFR_FILE" 30 > "$OUT/$scenario-$db.profile.txt" 2>&1 || true
  echo "# JFR: $JFR_FILE; summary in $OUT/$scenario-$db.profile.txt" | tee -a "$RESULT"
  head -40 "$OUT/$scenario-$db.profile.txt" | tee -a "$RESULT"
fi
exit "$status"
