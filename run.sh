#!/usr/bin/env bash
# Builds the server (when the sources are newer than the jar) and runs it with no configuration
# needed: embedded SQLite and generated secrets under ./data. Arguments go to the CLI, so
# `./run.sh token create --user alice --name laptop` works too.
#
# It starts the server as the release does: `./mvnw package` leaves the unpacked release in
# target/priority-notify-<version>/ (jlinked runtime, AOT cache, conf/jvm.options) and this
# runs its bin/priority-notify. Built with -Drelease.skip (no release), it runs the jar on
# $JAVA_HOME with the same options, from src/main/dist/conf/jvm.options, and no AOT cache.
# JAVA_OPTS adds JVM options after those.
set -euo pipefail
cd "$(dirname "$0")"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
jar=target/priority-notify.jar
if [ ! -f "$jar" ] || [ -n "$(find src pom.xml -newer "$jar" -print -quit)" ]; then
  if [ ! -x "$JAVA_HOME/bin/java" ]; then
    echo "run.sh: building needs a JDK 21 or newer; set JAVA_HOME (tried $JAVA_HOME)" >&2
    exit 1
  fi
  ./mvnw -B -q -DskipTests package >&2
fi

release=""
for dir in target/priority-notify-*/; do
  # Only a release made from this very jar (a -Drelease.skip build leaves an older one behind).
  if [ -x "${dir}bin/priority-notify" ] && cmp -s "$jar" "${dir}lib/priority-notify.jar"; then
    release="${dir}bin/priority-notify"
  fi
done
if [ -n "$release" ]; then
  exec "$release" "$@"
fi

if [ ! -x "$JAVA_HOME/bin/java" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -Eq 'version "(2[1-9]|[3-9][0-9])'; then
  echo "run.sh: needs a JDK 21 or newer; set JAVA_HOME (tried $JAVA_HOME)" >&2
  exit 1
fi
opts=()
while IFS= read -r line || [ -n "$line" ]; do
  line="${line#"${line%%[![:space:]]*}"}"
  line="${line%"${line##*[![:space:]]}"}"
  [[ -z "$line" || "$line" == \#* ]] && continue
  opts+=("$line")
done < src/main/dist/conf/jvm.options
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
# shellcheck disable=SC2086 # JAVA_OPTS is split on blanks, as JAVA_OPTS always is.
exec "$JAVA_HOME/bin/java" "${opts[@]}" ${JAVA_OPTS:-} -jar "$jar" "$@"
