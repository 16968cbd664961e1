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

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$kt" demo --db "sqlite:$tmp/x.db" --days 3 --pods 200 -q >/dev/null
"$kt" serve --db "sqlite:$tmp/x.db" --listen "127.0.0.1:$port" 2>"$tmp/serve.log" &
pid=$!
token=$(openssl rand -hex 24)
printf '%s\n' "$token" >"$tmp/token"
aport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$kt" serve --db "sqlite:$tmp/x.db" --listen "127.0.0.1:$aport" --auth-token-file "$tmp/token" 2>"$tmp/auth.log" &
apid=$!
for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && curl -sf "http://127.0.0.1:$aport/readyz" >/dev/null && break; sleep 0.1; done  # bounded wait: 30 s
KT_URL="http://127.0.0.1:$port" KT_AUTH_URL="http://127.0.0.1:$aport" KT_TOKEN="$token" node "$here/dashboard.test.js"
