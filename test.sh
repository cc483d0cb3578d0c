#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine. It brings what the tests talk to: a JDK check,
# PostgreSQL (installed and started when missing), Node.js/npm (the independent Web Push
# decryptor and the npm Gotify client run on Node), Firefox ESR (FirefoxPushTest has a real
# browser decrypt our pushes), Chromium (BrowserTest drives the web app in it through Playwright,
# which must not download a browser of its own) and apprise (RealClientsTest sends to us through
# its gotify:// and ntfy:// URLs). Extra arguments go to Maven, e.g. ./test.sh -Dtest=StreamApiTest
set -euo pipefail
cd "$(dirname "$0")"

export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
if [ ! -x "$JAVA_HOME/bin/java" ]; then
  echo "test.sh: no JDK at JAVA_HOME=$JAVA_HOME; a JDK 21 or newer is needed (Temurin 25 on the build machines)" >&2
  exit 1
fi

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=no
apt_install() {
  if [ "$apt_updated" = no ]; then as_root apt-get update -qq; apt_updated=yes; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

missing=()
# NixTest parses and evaluates nix/ with Debian's nix (nix-bin, 3 MB); without it those checks skip.
command -v nix-instantiate >/dev/null 2>&1 || missing+=(nix-bin)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v pg_ctlcluster >/dev/null 2>&1 || missing+=(postgresql)
command -v firefox-esr >/dev/null 2>&1 || missing+=(firefox-esr)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v apprise >/dev/null 2>&1 || missing+=(apprise)
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]}" >&2
  apt_install "${missing[@]}"
fi

# PostgreSQL on 127.0.0.1:5432 with a database `test` that the postgres role can use.
if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  echo "test.sh: starting PostgreSQL" >&2
  as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start || true
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
pg_isready -h 127.0.0.1 -p 5432 || { echo "test.sh: PostgreSQL did not come up on 127.0.0.1:5432" >&2; exit 1; }
if ! psql -h 127.0.0.1 -U postgres -d postgres -Atqc "select 1 from pg_database where datname = 'test'" | grep -q 1; then
  psql -h 127.0.0.1 -U postgres -d postgres -qc "create database test"
fi

export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
exec ./mvnw -B test "$@"
