#!/usr/bin/env bash
# Builds the release archive: target/priority-notify-<version>.tar.gz, unpacked beside it as
# target/priority-notify-<version>/ (what ./run.sh runs). Called by `./mvnw package` (after the
# shaded jar) and by ReleaseArchiveTest; by hand:
#
#   tools/package-release.sh --jar target/priority-notify.jar --version 0.1.0 --out target [--no-train] [--no-tar]
#
# Layout (the Dockerfile and the systemd unit rely on it):
#   priority-notify-<version>/bin/priority-notify     POSIX sh launcher (src/main/dist/bin)
#   priority-notify-<version>/lib/priority-notify.jar the application
#   priority-notify-<version>/lib/priority-notify.aot the AOT cache (optional: left out when training failed)
#   priority-notify-<version>/conf/jvm.options        JVM options (src/main/dist/conf)
#   priority-notify-<version>/runtime/                a jlink image of the build's JDK (no JDK on the host)
#   priority-notify-<version>/README.md, LICENSE (when the repository has one)
#
# The runtime is jlinked from $JAVA_HOME (JDK 25; linking from its run-time image, no jmods
# needed) with the modules below, so it is for this machine's OS and architecture. The AOT
# cache is trained with that runtime (a cache only fits the JVM that wrote it) by
# tools/AotTraining.java; a failed training is a warning, never a failed build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd -P)
jar="" version="" out="" train=1 tar=1
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) jar=$2; shift 2 ;;
    --version) version=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --no-train) train=0; shift ;;
    --no-tar) tar=0; shift ;;
    *) echo "package-release: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$jar" ] && [ -n "$version" ] && [ -n "$out" ] || { echo "usage: $0 --jar JAR --version V --out DIR [--no-train] [--no-tar]" >&2; exit 2; }
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
name=priority-notify-$version
stage=$out/$name
say() { echo "[package-release] $*"; }

# What the jar needs (jdeps --print-module-deps on the shaded jar, ~30 s, so fixed here):
#   java.base java.compiler java.desktop (javax.imageio: QR codes) java.instrument java.naming
#   java.net.http java.rmi java.security.jgss java.sql jdk.jfr jdk.management jdk.unsupported
# and what jdeps cannot see: jdk.crypto.ec (SunEC's module name; its code moved into java.base in
# JDK 22, kept for code that asks for the module), jdk.zipfs (jar: file systems), jdk.localedata
# is left out (English messages only). For operators: jdk.jcmd and jdk.attach (jcmd: thread
# dumps, JFR.start, GC.heap_info) and jdk.management.jfr; optional, ~1 MB.
modules=java.base,java.compiler,java.desktop,java.instrument,java.naming,java.net.http,java.rmi,java.security.jgss,java.sql,jdk.jfr,jdk.management,jdk.unsupported,jdk.crypto.ec,jdk.zipfs,jdk.jcmd,jdk.attach,jdk.management.jfr

rm -rf "$stage"
mkdir -p "$stage/bin" "$stage/lib" "$stage/conf"
cp "$root/src/main/dist/bin/priority-notify" "$stage/bin/"
chmod 755 "$stage/bin/priority-notify"
cp "$root/src/main/dist/conf/jvm.options" "$stage/conf/"
cp -p "$jar" "$stage/lib/priority-notify.jar"
cp "$root/README.md" "$stage/"
for license in LICENSE LICENSE.md LICENSE.txt COPYING; do
  [ -f "$root/$license" ] && cp "$root/$license" "$stage/"
done

say "jlink: $modules"
# --generate-cds-archive: the runtime's default CDS archive, so a start without the AOT cache
# (PRIORITY_NOTIFY_AOT=off, a mismatch) is still as fast as on a full JDK.
"$JAVA_HOME/bin/jlink" --add-modules "$modules" --output "$stage/runtime" \
  --strip-debug --no-man-pages --no-header-files --generate-cds-archive

if [ "$train" = 1 ]; then
  work=$(mktemp -d "${TMPDIR:-/tmp}/pn-aot-training.XXXXXX")
  say "AOT training with the jlinked runtime (work dir $work)"
  # Bounded twice: the driver's own budget (60 s of load, 2 min for the JVM to write the cache)
  # and, should anything still hang, timeout(1).
  bound=()
  command -v timeout > /dev/null && bound=(timeout 300)
  if "${bound[@]}" "$JAVA_HOME/bin/java" "$root/tools/AotTraining.java" "$stage/bin/priority-notify" "$stage/lib/priority-notify.aot" "$work"; then
    rm -rf "$work"
  else
    say "WARNING: the AOT training failed (logs kept in $work); the release starts without the AOT cache"
    rm -f "$stage/lib/priority-notify.aot"
  fi
fi

if [ "$tar" = 1 ]; then
  tar -C "$out" -czf "$out/$name.tar.gz" "$name"
  say "$out/$name.tar.gz ($(du -h "$out/$name.tar.gz" | cut -f1))"
fi
