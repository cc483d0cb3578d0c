#!/usr/bin/env bash
# Builds the server (when the sources are newer than the jar) and runs it with no configuration
# needed: embedded SQLite and generated secrets under ./data. Arguments go to the CLI, so
# `./run.sh token create --user alice --name laptop` works too.
set -euo pipefail
cd "$(dirname "$0")"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
if [ ! -x "$JAVA_HOME/bin/java" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -Eq 'version "(2[1-9]|[3-9][0-9])'; then
  echo "run.sh: needs a JDK 21 or newer; set JAVA_HOME (tried $JAVA_HOME)" >&2
  exit 1
fi
jar=target/priority-notify.jar
if [ ! -f "$jar" ] || [ -n "$(find src pom.xml -newer "$jar" -print -quit)" ]; then
  ./mvnw -B -q -DskipTests package >&2
fi
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar "$jar" "$@"
