#!/usr/bin/env bash
# Ingest benchmark: notifications created over HTTP against what the database itself can take,
# measured in the same run. Run it through the benchmarks' entry point:
#
#   bench/run.sh ingest <sqlite|postgres|postgres16>
#
# One run: the raw-JDBC limit of the database (the programs in LIMITS_DIR, default
# ../shared/bench-limits beside the checkout: the product's three writes per create, one
# transaction each, and grouped),
# then a fresh server on a fresh database (the JVM options that run.sh starts it with), wrk with
# 16 keep-alive connections POSTing a 150-byte notification (WARMUP seconds not counted, then
# DURATION seconds measured), the server's RSS sampled every 0.2 s, then the raw limit again: the
# ratio is taken against the mean of the two limit runs and their spread is printed.
#   sqlite      one user, one token, 16 connections
#   postgres    the same on PostgreSQL (database $PG_DB, dropped and recreated)
#   postgres16  16 users, one token each, one connection per user (wrk -t16 -c16)
#
# Knobs (environment): PORT (18090), SKIP_BUILD=1, JAR (another build to measure, e.g. a baseline), WARMUP (5), DURATION (10), CONNECTIONS (16),
# PG_DB (bench_ingest), SERVER_OPTS (JVM options instead of src/main/dist/conf/jvm.options), JFR=1,
# LIMIT_CREATES (SQLite limit: creates per phase, 50000), LIMIT_SECONDS (PostgreSQL limit: 5),
# LIMITS_DIR.
# Output also kept in target/bench/ingest-<db>.txt.
set -euo pipefail

db=${1:?usage: bench/run.sh ingest <sqlite|postgres|postgres16>}
case "$db" in sqlite|postgres|postgres16) ;; *) echo "unknown database $db" >&2; exit 2 ;; esac
command -v wrk >/dev/null || { echo "ingest: needs wrk (apt-get install wrk)" >&2; exit 1; }

cd "$(dirname "$0")/../.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA="$JAVA_HOME/bin/java"
PORT=${PORT:-18090}
PG_DB=${PG_DB:-bench_ingest}
WARMUP=${WARMUP:-5}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-16}
JAR=${JAR:-target/priority-notify.jar}
OUT=target/bench
mkdir -p "$OUT"
RESULT="$OUT/ingest-$db.txt"
exec > >(tee "$RESULT") 2>&1

if [[ "${SKIP_BUILD:-0}" != 1 || ! -f "$JAR" ]]; then
  ./mvnw -B -q -DskipTests package
fi
CP_FILE="$OUT/ingest-classpath.txt"
if [[ ! -s "$CP_FILE" || pom.xml -nt "$CP_FILE" ]]; then
  ./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$CP_FILE" >/dev/null
fi
CP=$(cat "$CP_FILE")

server_opts=()
if [[ -n "${SERVER_OPTS:-}" ]]; then
  read -r -a server_opts <<<"$SERVER_OPTS"
elif [[ -f src/main/dist/conf/jvm.options ]]; then
  while read -r line; do [[ -n "$line" && "$line" != \#* ]] && server_opts+=("$line"); done < src/main/dist/conf/jvm.options
else
  server_opts=(--enable-native-access=ALL-UNNAMED)
fi
if [[ "${JFR:-0}" == 1 ]]; then
  server_opts+=("-XX:StartFlightRecording=filename=$OUT/ingest-$db.jfr,settings=profile,dumponexit=true")
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pn-ingest.XXXXXX")
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

LIMITS_DIR=${LIMITS_DIR:-../shared/bench-limits}
[[ -f "$LIMITS_DIR/SqliteLimit.java" ]] || { echo "ingest: no raw limit programs in LIMITS_DIR=$LIMITS_DIR" >&2; exit 1; }
limit() {
  case "$db" in
    sqlite) "$JAVA" -cp "$CP" "$LIMITS_DIR/SqliteLimit.java" "${LIMIT_CREATES:-50000}" 64 ;;
    *) "$JAVA" -cp "$CP" "$LIMITS_DIR/PgLimit.java" "${LIMIT_SECONDS:-5}" 64 ;;
  esac 2>&1 | grep -v '^SLF4J'
}

echo "== ingest $db, $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== raw limit, before"
limit | tee "$WORK/limit1"

export DATA_DIR="$WORK/data" PORT LOG_LEVEL=${LOG_LEVEL:-WARN} HOST=127.0.0.1
if [[ "$db" == sqlite ]]; then
  export DATABASE_URL=""
else
  psql -q -h 127.0.0.1 -U postgres -d postgres -c "drop database if exists $PG_DB" -c "create database $PG_DB"
  export DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$PG_DB"
fi
users=1
[[ "$db" == postgres16 ]] && users=16
: > "$WORK/tokens"
for i in $(seq 1 "$users"); do
  "$JAVA" -jar "$JAR" user create "bench$i" >/dev/null 2>"$WORK/cli.err" || { cat "$WORK/cli.err"; exit 1; }
  "$JAVA" -jar "$JAR" token create --user "bench$i" --name bench >>"$WORK/tokens" 2>"$WORK/cli.err" || { cat "$WORK/cli.err"; exit 1; }
done

MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2} "$JAVA" "${server_opts[@]}" -jar "$JAR" serve >"$WORK/server.log" 2>&1 &
server_pid=$!
started=$(date +%s.%N)
until curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; do
  kill -0 "$server_pid" 2>/dev/null || { echo "server exited:"; cat "$WORK/server.log"; exit 1; }
  sleep 0.05
done
echo "== server ready after $(echo "$(date +%s.%N) - $started" | bc) s (pid $server_pid, options: ${server_opts[*]})"
rss() { awk '/VmRSS/ {print int($2/1024)}' "/proc/$server_pid/status" 2>/dev/null || echo 0; }
echo "== server RSS idle: $(rss) MiB"

cat >"$WORK/post.lua" <<LUA
local tokens = {}
for line in io.lines("$WORK/tokens") do tokens[#tokens + 1] = line end
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("token", tokens[((counter - 1) % #tokens) + 1])
end
function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. token
  wrk.body = '{"title":"Server disk full","message":"Disk usage on web-01 is at 95%","priority":"high","source":"monitoring","tag":"disk-web-01"}'
end
LUA
threads=2
[[ "$db" == postgres16 ]] && threads=16
url="http://127.0.0.1:$PORT/api/notifications/"
wrk -t"$threads" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$WORK/post.lua" "$url" >"$WORK/warmup.txt"
echo "== warm-up: $(grep 'Requests/sec' "$WORK/warmup.txt")"
peak=0
( while kill -0 "$server_pid" 2>/dev/null; do r=$(rss); echo "$r"; sleep 0.2; done ) >"$WORK/rss" &
sampler=$!
cpu0=$(awk '{print $14+$15}' "/proc/$server_pid/stat")
wrk -t"$threads" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$WORK/post.lua" "$url" | tee "$WORK/measured.txt"
cpu1=$(awk '{print $14+$15}' "/proc/$server_pid/stat")
kill "$sampler" 2>/dev/null || true
peak=$(sort -n "$WORK/rss" | tail -1)
echo "== server RSS during the measured run: peak ${peak} MiB, at the end $(rss) MiB; server CPU $(echo "scale=2; ($cpu1 - $cpu0) / 100 / $DURATION" | bc) cores"
non2xx=$(grep -c 'Non-2xx' "$WORK/measured.txt" || true)
[[ "$non2xx" == 0 ]] || echo "!! non-2xx answers: $(grep 'Non-2xx' "$WORK/measured.txt")"
grep -E 'WARN|ERROR' "$WORK/server.log" | head -5 || true

kill -TERM "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
echo "== raw limit, after"
limit | tee "$WORK/limit2"
echo "== load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"

rate=$(awk '/Requests\/sec/ {print $2}' "$WORK/measured.txt")
case "$db" in
  sqlite) pattern='one transaction per create' ;;
  postgres) pattern='one transaction per create, one user' ;;
  postgres16) pattern='one transaction per create, 16 users' ;;
esac
l1=$(grep "$pattern" "$WORK/limit1" | grep -oE '= [0-9,]+ creates/s' | tr -dc '0-9')
l2=$(grep "$pattern" "$WORK/limit2" | grep -oE '= [0-9,]+ creates/s' | tr -dc '0-9')
if [[ -n "$l1" && -n "$l2" ]]; then
  hi=$(( l1 > l2 ? l1 : l2 )); lo=$(( l1 < l2 ? l1 : l2 ))
  echo "== server $rate creates/s against the raw one-transaction-per-create limit $l1 / $l2 (before/after):" \
    "ratio $(echo "scale=2; $rate * 2 / ($l1 + $l2)" | bc) (from $(echo "scale=2; $rate / $hi" | bc) to $(echo "scale=2; $rate / $lo" | bc))"
fi
if [[ "${JFR:-0}" == 1 && -f "$OUT/ingest-$db.jfr" ]]; then
  "$JAVA" bench/profile/JfrSummary.java "$OUT/ingest-$db.jfr" 40 >"$OUT/ingest-$db.profile.txt" 2>&1 || true
  echo "== profile: $OUT/ingest-$db.profile.txt"
fi
