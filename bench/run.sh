#!/usr/bin/env bash
# The benchmarks' one entry point. Without arguments it lists them; with a name it runs one:
#
#   bench/run.sh                  the list: what each measures, its arguments, how long it takes
#   bench/run.sh <name> [args]    run one; its knobs are environment variables (its script's header)
#
# Layout: bench/load (hub core: the notifications API and the live stream), bench/fanout (push
# fan-out end to end, with the npm web-push comparison in webpush-node/), bench/jmh/java (JMH and
# CPU-time benchmarks of the Web Push crypto, compiled by the Maven profile "bench"),
# bench/profile (summaries of JFR recordings and async-profiler stacks, used by load and fanout).
# Figures, and the commands that reproduce them: docs/benchmarks.md. Loopback (127.0.0.1) only.
set -euo pipefail

cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}

list() {
  cat <<'EOF'
usage: bench/run.sh <name> [arguments]      figures and how they were made: docs/benchmarks.md

name      arguments                                     takes              measures
create    <sqlite|postgres>                             ~20 s + build      notifications created/s over the API: 1 user, 16 connections (bench/load)
create16  <sqlite|postgres>                             ~20 s + build      the same with 16 users, one token each (bench/load)
sse       <sqlite|postgres>                             ~30 s + build      POST->SSE latency with STREAMS (1,000) open streams at RATE (200)/s, server RSS (bench/load)
sse-idle  <sqlite|postgres>                             ~20 s + build      memory per open stream: RSS and heap after GC, 0 vs STREAMS (1,000) idle streams (bench/load)
ingest    <sqlite|postgres|postgres16>                  ~1 min + build     creates/s over HTTP (wrk, 16 connections) against the raw-JDBC limit in the same run, RSS (bench/ingest)
fanout    <one-to-many|many-to-one> <sqlite|postgres>   ~3-5 min + build   notification created -> push service acknowledged, against npm web-push (bench/fanout)
jmh       [JMH options] [benchmark regexp]              ~2.5 min + build   RFC 8291 encryption and its parts on ACCP and the JDK, JMH (bench/jmh); no options: JMH's help
cpu-time  [seconds of CPU per measurement, 3]           ~1.5 min + build   the same operations timed in thread CPU time, one thread (bench/jmh)
footprint                                               ~1.5 min + build   time to /readyz and RSS idle and under ingest, started as ./run.sh does (bench/footprint)

Durations are for the defaults (jmh: the docs' -wi 2 -i 3 -f 1 -w 2s -r 2s); "build" is a Maven build
first (~1 min; SKIP_BUILD=1 skips it for create, create16, sse, fanout and footprint when it was done once).
Examples:
  bench/run.sh create sqlite
  SKIP_BUILD=1 RATE=50 bench/run.sh sse sqlite
  SKIP_BUILD=1 STREAMS=5000 RATE=40 bench/run.sh sse sqlite
  SKIP_BUILD=1 WEBPUSH=0 bench/run.sh fanout one-to-many sqlite
  bench/run.sh jmh -wi 2 -i 3 -f 1 -w 2s -r 2s -t 1
  bench/run.sh cpu-time 3
EOF
}

name=${1:-}
case "$name" in
  "" | list | help | -h | --help)
    list
    ;;
  create | create16 | sse | sse-idle)
    exec bench/load/load.sh "$@"
    ;;
  ingest)
    shift
    exec bench/ingest/ingest.sh "$@"
    ;;
  fanout)
    shift
    exec bench/fanout/fanout.sh "$@"
    ;;
  jmh)
    shift
    # No options: the profile's default (-h, JMH's help).
    exec ./mvnw -B -Pbench test-compile exec:exec ${1:+"-Djmh.args=$*"}
    ;;
  footprint)
    exec bench/footprint/footprint.sh
    ;;
  cpu-time)
    exec ./mvnw -B -Pbench test-compile exec:exec -Dbench.main=dev.prioritynotify.webpush.CpuTimeBenchmark \
      "-Djmh.args=${2:-3}"
    ;;
  *)
    echo "unknown benchmark: $name" >&2
    list >&2
    exit 2
    ;;
esac
