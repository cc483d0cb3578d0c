#!/usr/bin/env bash
# Start-up and footprint: how long the server takes from process start until /readyz answers 200,
# and its resident memory (RSS, from /proc) idle and under the ingest load of `bench/run.sh create`
# (POST /api/notifications, 16 connections, one user). It starts the server the way an operator
# does — through ./run.sh by default, so with src/main/dist/jvm.options and the AOT cache when the
# build made one — on a fresh SQLite data directory. Run it through the benchmarks' entry point:
#
#   bench/run.sh footprint
#
# Steps: (1) first start on an empty data directory (migrations, first admin, VAPID keys), ready
# time; (2) a user and a token through the CLI; (3) RUNS restarts on that directory: ready time
# and CPU time to ready of each, idle RSS after IDLE seconds; (4) the last one takes the ingest
# load for LOAD_SECONDS, RSS sampled every 0.2 s (peak and final).
#
# Knobs (environment): LAUNCHER (./run.sh; e.g. target/priority-notify-<version>/bin/priority-notify,
# the release launcher), JAVA_OPTS (extra JVM options after jvm.options), PRIORITY_NOTIFY_AOT=off
# (the launcher starts without the AOT cache), RUNS (5), IDLE (10), LOAD_SECONDS (10),
# CONCURRENCY (16), PORT (18080), SKIP_BUILD=1. Results also in target/bench/footprint.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA="$JAVA_HOME/bin/java"
LAUNCHER=${LAUNCHER:-./run.sh}
RUNS=${RUNS:-5}
IDLE=${IDLE:-10}
LOAD_SECONDS=${LOAD_SECONDS:-10}
export PORT=${PORT:-18080}
OUT=target/bench
mkdir -p "$OUT"
RESULT="$OUT/footprint.txt"

if [[ "${SKIP_BUILD:-0}" != 1 || ! -f target/priority-notify.jar ]]; then
  ./mvnw -B -q -DskipTests package
elif [[ -n "$(find src pom.xml -newer target/priority-notify.jar -print -quit)" ]]; then
  # ./run.sh would rebuild inside the first measured start.
  echo "footprint: sources are newer than target/priority-notify.jar; run without SKIP_BUILD=1" >&2
  exit 1
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pn-footprint.XXXXXX")
export DATA_DIR="$WORK/data" DATABASE_URL="" LOG_LEVEL=${LOG_LEVEL:-INFO}
server_pid=""
stop_server() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
trap 'stop_server; rm -rf "$WORK"' EXIT INT TERM

rss_mib() { awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo 0; }
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.0f", ($14 + $15) * 1000 / hz }' "/proc/$1/stat" 2>/dev/null || echo 0; }

# Starts the server (the launcher execs java, so its pid is the JVM's) and waits for /readyz,
# polling every 10 ms; sets ready_ms (wall, from just before the fork) and ready_cpu_ms.
start_server() {
  local t0 t1
  t0=$(date +%s%N)
  "$LAUNCHER" serve > "$WORK/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 3000); do
    curl -fs -o /dev/null "http://127.0.0.1:$PORT/readyz" 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
    sleep 0.01
  done
  t1=$(date +%s%N)
  curl -fs -o /dev/null "http://127.0.0.1:$PORT/readyz" || { echo "server not ready" >&2; cat "$WORK/server.log" >&2; exit 1; }
  ready_ms=$(((t1 - t0) / 1000000))
  ready_cpu_ms=$(cpu_ms "$server_pid")
}

{
  echo "# footprint, launcher $LAUNCHER, JAVA_OPTS=${JAVA_OPTS:-} PRIORITY_NOTIFY_AOT=${PRIORITY_NOTIFY_AOT:-on}, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $("$JAVA" -version 2>&1 | head -1)"
  echo "# commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$RESULT"

start_server
echo "first start (empty data dir): ready in $ready_ms ms wall, $ready_cpu_ms ms CPU" | tee -a "$RESULT"
stop_server
"$LAUNCHER" user create bench > /dev/null 2> "$WORK/cli.err" || { cat "$WORK/cli.err" >&2; exit 1; }
"$LAUNCHER" token create --user bench --name bench > "$WORK/tokens" 2> "$WORK/cli.err" || { cat "$WORK/cli.err" >&2; exit 1; }

walls=() cpus=() idles=()
for run in $(seq 1 "$RUNS"); do
  start_server
  sleep "$IDLE"
  idle=$(rss_mib "$server_pid")
  echo "restart $run: ready in $ready_ms ms wall, $ready_cpu_ms ms CPU; RSS idle after ${IDLE} s: $idle MiB" | tee -a "$RESULT"
  walls+=("$ready_ms") cpus+=("$ready_cpu_ms") idles+=("$idle")
  [[ "$run" == "$RUNS" ]] || stop_server
done
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
echo "restarts: ready median $(median "${walls[@]}") ms wall (min $(median "$(printf '%s\n' "${walls[@]}" | sort -n | head -1)")), $(median "${cpus[@]}") ms CPU; RSS idle median $(median "${idles[@]}") MiB" | tee -a "$RESULT"

# Ingest on the last server: the create benchmark's load generator, bounded in time.
peak=0
(
  "$JAVA" bench/load/Load.java create --port "$PORT" --tokens-file "$WORK/tokens" --label footprint \
    --concurrency "${CONCURRENCY:-16}" --warmup-seconds 0 --requests 200000 --max-seconds "$LOAD_SECONDS" > "$WORK/load.txt" 2>&1
) &
load_pid=$!
while kill -0 "$load_pid" 2>/dev/null; do
  r=$(rss_mib "$server_pid")
  ((r > peak)) && peak=$r
  sleep 0.2
done
wait "$load_pid" || { cat "$WORK/load.txt" >&2; exit 1; }
grep -E 'req/s|/s' "$WORK/load.txt" | head -3 | sed 's/^/ingest: /' | tee -a "$RESULT"
echo "RSS during ${LOAD_SECONDS} s of ingest (${CONCURRENCY:-16} connections): peak $peak MiB, at the end $(rss_mib "$server_pid") MiB" | tee -a "$RESULT"
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$RESULT"
