#!/usr/bin/env bash
# Browser tests for the dashboard: Debian's chromium driven by playwright-core.
# Installs chromium (apt-get) and the npm dependency when missing, writes the
# demo fleet, starts `kubetally serve` on a free loopback port, runs
# dashboard.test.js, and stops everything it started.  Screenshots go to
# tests/artifacts/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
kt=$root/build/kubetally
[ -x "$kt" ] || make -C "$root" >/dev/null
if ! [ -x /usr/bin/chromium ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq && $sudo apt-get install -y -qq chromium >/dev/null
fi
[ -d "$here/node_modules/playwright-core" ] || (cd "$here" && npm install --no-audit --no-fund --silent)

tmp=$(mktemp -d)
pid=""
apid=""
cleanup() {
  for p in $pid $apid; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT

# the servers bind port 0 and log the port they got: no port picked early that another process could take
bound_port() { # LOG: the port `serve --listen 127.0.0.1:0` logged (bounded wait: 30 s)
  for _ in $(seq 300); do
    p=$(sed -n 's/.*serving on .*(port \([0-9]*\)).*/\1/p' "$1" | head -1)
    [ -n "$p" ] && { echo "$p"; return 0; }
    sleep 0.1
  done
  return 1
}
"$kt" demo --db "sqlite:$tmp/x.db" --days 3 --pods 200 -q >/dev/null
"$kt" serve --db "sqlite:$tmp/x.db" --listen 127.0.0.1:0 2>"$tmp/serve.log" &
pid=$!
token=$(openssl rand -hex 24)
printf '%s\n' "$token" >"$tmp/token"
"$kt" serve --db "sqlite:$tmp/x.db" --listen 127.0.0.1:0 --auth-token-file "$tmp/token" 2>"$tmp/auth.log" &
apid=$!
port=$(bound_port "$tmp/serve.log"); aport=$(bound_port "$tmp/auth.log")
for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && curl -sf "http://127.0.0.1:$aport/readyz" >/dev/null && break; sleep 0.1; done  # bounded wait: 30 s
KT_URL="http://127.0.0.1:$port" KT_AUTH_URL="http://127.0.0.1:$aport" KT_TOKEN="$token" node "$here/dashboard.test.js"
