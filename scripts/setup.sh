#!/usr/bin/env bash
# setup.sh — install the Debian packages kubetally needs, when missing.
#   scripts/setup.sh          build dependencies (compiler, libraries)
#   scripts/setup.sh --test   plus what the test suite runs for real:
#                             etcd, Prometheus, Alertmanager, PostgreSQL, Chromium,
#                             nginx, an SMTP server (aiosmtpd), wrk, Go,
#                             clang with libFuzzer (make fuzz)
#                             (to build kube-apiserver), Node.js/npm
# Needs root or sudo for apt-get; does nothing when all are present.
set -euo pipefail

build_pkgs=(build-essential pkg-config libcurl4-openssl-dev libyaml-dev libjansson-dev libsqlite3-dev
            libpq-dev libmicrohttpd-dev libssl-dev zlib1g-dev libcsv-dev sqlite3 curl ca-certificates)
test_pkgs=(etcd-server prometheus prometheus-alertmanager postgresql chromium wrk golang-go rsync dpkg-dev jq
           nodejs npm openssl procps psmisc time python3 python3-aiosmtpd nginx
           clang libclang-rt-14-dev)

want=("${build_pkgs[@]}")
[ "${1:-}" = "--test" ] && want+=("${test_pkgs[@]}")

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm and nodejs may come from elsewhere (nodesource); accept working binaries.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
echo "setup: installing ${missing[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
