#!/usr/bin/env bash
# Push fan-out benchmark: notification created -> push service acknowledged, end to end, then
# the npm web-push library sending the same number of pushes to the same sink. See
# docs/benchmarks.md ("Push fan-out"). Run it through the benchmarks' entry point (bench/run.sh
# lists them):
#
#   bench/run.sh fanout <one-to-many|many-to-one> <sqlite|postgres>
#
# Knobs (environment):
#   N (10000) pushes per round; ROUNDS (20) and MEASURED (3): the hub runs ROUNDS rounds of the
#     load on fresh devices and reports the median of the last MEASURED (the others warm the JVM
#     up: its JIT settles after about 150,000 pushes); web-push runs one warm-up round and
#     MEASURED measured ones (its rate is the same from the first).
#   TLS (1): the sink speaks https with ALPN h2 and http/1.1 (a self-signed certificate the
#     server JVM trusts), so the hub pushes over HTTP/2 as to real push services, and web-push
#     uses its own sendNotification over https. TLS=0: plain http, HTTP/1.1 on both sides.
#   PROFILE=1: async-profiler CPU samples of the server's measured rounds, summarised by
#     bench/profile/Collapsed.java (PROFILE_EVENT=wall: wall-clock samples of every thread instead);
#     JFR=1: a JFR recording of the whole run (bench/profile/JfrSummary.java).
#   WEBPUSH=0: the hub only, no web-push rounds and no ratio (for quick comparisons).
#   SKIP_BUILD=1, SERVER_ENV (extra server settings, K=V,K=V), SERVER_OPTS (JVM options),
#   RELEASE=1: the server as ./run.sh and the release start it: the release's jlinked runtime,
#     its jar, conf/jvm.options and AOT cache (target/priority-notify-<version>/, made by
#     ./mvnw package); RELEASE_AOT=0 the same without the AOT cache. SERVER_CP: another classpath.
#   NODE_CONCURRENCY (50), PG_DB (bench_fanout), MAX_SECONDS (120 per round).
# Results also in target/bench/fanout-<scenario>-<db>[-tls].txt.
set -euo pipefail

scenario=${1:?usage: bench/run.sh fanout <one-to-many|many-to-one> <sqlite|postgres>}
db=${2:?usage: bench/run.sh fanout <one-to-many|many-to-one> <sqlite|postgres>}
case "$scenario" in one-to-many|many-to-one) ;; *) echo "unknown scenario $scenario" >&2; exit 2 ;; esac
case "$db" in sqlite|postgres) ;; *) echo "unknown database $db" >&2; exit 2 ;; esac

cd "$(dirname "$0")/../.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA="$JAVA_HOME/bin/java"
OUT=target/bench
mkdir -p "$OUT"
TLS=${TLS:-1}
RESULT="$OUT/fanout-$scenario-$db$(if [[ "$TLS" == 1 ]]; then echo -tls; fi).txt"
ulimit -n 65536 2>/dev/null || true

if [[ "${SKIP_BUILD:-0}" != 1 || ! -f "$OUT/fanout-cp.txt" ]]; then
  ./mvnw -B -q -Pbench -DskipTests compile dependency:build-classpath \
    -Dmdep.outputFile="$OUT/fanout-cp.txt" -Dmdep.includeScope=test
fi
[[ -d bench/fanout/webpush-node/node_modules ]] || (cd bench/fanout/webpush-node && npm ci --no-audit --no-fund)
CP="target/classes:$(cat "$OUT/fanout-cp.txt")"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pn-fanout.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
PG_DB=${PG_DB:-bench_fanout}
if [[ "$db" == postgres ]]; then
  psql -q -h 127.0.0.1 -U postgres -d postgres -c "drop database if exists $PG_DB" -c "create database $PG_DB"
  URL="jdbc:postgresql://127.0.0.1:5432/$PG_DB?user=postgres"
else
  URL="jdbc:sqlite:$WORK/data/priority-notify.db"
  mkdir -p "$WORK/data"
fi

server_opts=${SERVER_OPTS:-}
server_java=$JAVA
server_cp=${SERVER_CP:-$CP}
if [[ "${RELEASE:-0}" == 1 ]]; then
  release=$(ls -d target/priority-notify-*/ | head -1)
  [[ -x "${release}runtime/bin/java" ]] || { echo "RELEASE=1: no release in target/ (./mvnw package)" >&2; exit 1; }
  server_java="$PWD/${release}runtime/bin/java"
  server_cp="$PWD/${release}lib/priority-notify.jar"
  # conf/jvm.options as the launcher reads it (blank lines and comments skipped); no option has blanks.
  server_opts="$(grep -v '^[[:space:]]*#' "${release}conf/jvm.options" | grep -v enable-native-access | xargs) $server_opts"
  if [[ "${RELEASE_AOT:-1}" == 1 && -f "${release}lib/priority-notify.aot" ]]; then
    server_opts="$server_opts -XX:AOTCache=$PWD/${release}lib/priority-notify.aot"
  fi
  export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
fi
tls_args=()
if [[ "$TLS" == 1 ]]; then
  "$JAVA_HOME/bin/keytool" -genkeypair -alias sink -keyalg EC -groupname secp256r1 -dname CN=127.0.0.1 \
    -ext SAN=ip:127.0.0.1 -validity 2 -storetype PKCS12 -keystore "$WORK/sink.p12" -storepass changeit 2>/dev/null
  server_opts="$server_opts -Djavax.net.ssl.trustStore=$WORK/sink.p12 -Djavax.net.ssl.trustStorePassword=changeit -Djavax.net.ssl.trustStoreType=PKCS12"
  tls_args=(--tls-keystore "$WORK/sink.p12")
fi
profile_args=()
if [[ "${PROFILE:-0}" == 1 ]]; then
  # async-profiler from Maven Central (its jar carries the native library): CPU samples of the
  # measured round only, as collapsed stacks, summarised by bench/profile/Collapsed.java.
  ./mvnw -B -q dependency:get -Dartifact=tools.profiler:async-profiler:4.1 >/dev/null
  mkdir -p "$OUT/async-profiler"
  unzip -o -q "$HOME/.m2/repository/tools/profiler/async-profiler/4.1/async-profiler-4.1.jar" 'linux-x64/*' -d "$OUT/async-profiler"
  PROFILE_FILE="$OUT/fanout-$scenario-$db$(if [[ "$TLS" == 1 ]]; then echo -tls; fi).collapsed"
  profiler_lib="$PWD/$OUT/async-profiler/linux-x64/libasyncProfiler.so"
  profile_args=(--profiler "$profiler_lib" --profile-out "$PROFILE_FILE" --profile-event "${PROFILE_EVENT:-cpu}")
  # Loaded (idle) from the start: attaching it only later made the JVM throw away and recompile
  # its compiled code, and the profile showed mostly that.
  server_opts="$server_opts -agentpath:$profiler_lib -XX:+EnableDynamicAgentLoading"
fi
if [[ "${JFR:-0}" == 1 ]]; then
  JFR_FILE="$OUT/fanout-$scenario-$db.jfr"
  rm -f "$JFR_FILE"
  server_opts="$server_opts -XX:StartFlightRecording=filename=$JFR_FILE,settings=profile,dumponexit=true"
fi

{
  echo "# fanout $scenario on $db, N=${N:-10000}, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $("$JAVA" -version 2>&1 | head -1)"
  echo "# commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown); SERVER_ENV=${SERVER_ENV:-}; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$RESULT"
status=0
"$JAVA" --enable-native-access=ALL-UNNAMED -cp "$CP" bench/fanout/Fanout.java "$scenario" "$db" --n "${N:-10000}" --work "$WORK" --database-url "$URL" \
  --server-cp "$server_cp" --server-java "$server_java" --server-opts "$server_opts" --server-env "${SERVER_ENV:-}" \
  --node-concurrency "${NODE_CONCURRENCY:-50}" --webpush "${WEBPUSH:-1}" --rounds "${ROUNDS:-20}" --measured "${MEASURED:-3}" --max-seconds "${MAX_SECONDS:-120}" "${tls_args[@]}" "${profile_args[@]}" | tee -a "$RESULT" || status=$?
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$RESULT"
if [[ -s "$WORK/server.log" ]]; then
  echo "# server log (WARN and above), first 20 lines:" | tee -a "$RESULT"
  head -20 "$WORK/server.log" | tee -a "$RESULT"
fi
if [[ "${PROFILE:-0}" == 1 && -f "${PROFILE_FILE:-}" ]]; then
  "$JAVA" bench/profile/Collapsed.java "$PROFILE_FILE" 40 DeliveryWorkers PushSender.send WebPushEncryption.encrypt Outbox \
    DeliveryRepository.claim DeliveryRepository.record SubscriptionRepository NotificationService CompileBroker \
    > "${PROFILE_FILE%.collapsed}.profile.txt" 2>&1 || true
  echo "# profile summary in ${PROFILE_FILE%.collapsed}.profile.txt" | tee -a "$RESULT"
fi
if [[ "${JFR:-0}" == 1 && -f "${JFR_FILE:-}" ]]; then
  "$JAVA" bench/profile/JfrSummary.java "$JFR_FILE" 30 > "$OUT/fanout-$scenario-$db.profile.txt" 2>&1 || true
  echo "# JFR: $JFR_FILE; summary in $OUT/fanout-$scenario-$db.profile.txt" | tee -a "$RESULT"
fi
exit "$status"
