# lib.sh — what every tests/integration/*/run.sh shares: a temp dir and the
# background processes it started (both gone on exit), ok/bad/check lines
# counted in $fails, a free loopback port, and waiting for a condition.
# Source it after `set -u` (if any); it defines tmp, pids and fails.
#
# Waiting polls a condition with a bound (30 s by default, KT_WAIT_TRIES ×
# 0.1 s): it never asserts how long anything took, only that it happened.
tmp=$(mktemp -d)
pids=()
fails=0
kt_cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  rm -rf "$tmp"
}
trap kt_cleanup EXIT
trap 'exit 130' INT TERM
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fails=$((fails+1)); }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }
# serve_port LOG — the port `kubetally serve --listen HOST:0` bound, read from
# its log once it says so (bounded wait).  Binding port 0 leaves no window in
# which another process can take a port picked earlier.
serve_port() {
  until_ok "grep -q 'serving on .*(port [0-9]*)' '$1'" || return 1
  sed -n 's/.*serving on .*(port \([0-9]*\)).*/\1/p' "$1" | head -1
}
# start_on_port LOG CMD… — for programs that cannot report a port they bound
# (Prometheus, Alertmanager): every @PORT@ in CMD becomes a free port; if the
# program exits before answering (the port was taken meanwhile), it is
# started again on another (5 tries).  Sets started_port; adds the pid to pids.
start_on_port() {
  local log=$1 p pid; shift
  for _ in 1 2 3 4 5; do
    p=$(free_port)
    "${@//@PORT@/$p}" >"$log" 2>&1 &
    pid=$!
    until_ok "curl -s -o /dev/null http://127.0.0.1:$p/ || ! kill -0 $pid 2>/dev/null"
    if kill -0 "$pid" 2>/dev/null; then started_port=$p; pids+=("$pid"); return 0; fi
  done
  return 1
}
# free_port: only for programs that cannot bind port 0 (see start_on_port)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# PRODUCER | has PATTERN — grep -q that reads all its input first: a plain
# `curl … | grep -q` under pipefail fails whenever grep matches and exits
# before curl has written everything (curl then dies of SIGPIPE).
has() { local s; s=$(cat); grep -q -- "$1" <<<"$s"; }
# until_ok 'SHELL CONDITION' — 0 once it holds, 1 if it never did
until_ok() { for _ in $(seq "${KT_WAIT_TRIES:-300}"); do eval "$1" && return 0; sleep 0.1; done; return 1; }
# wait_ready URL [curl args…] — 0 once URL answers 2xx
wait_ready() {
  local url=$1; shift
  for _ in $(seq "${KT_WAIT_TRIES:-300}"); do curl -sf "$@" "$url" >/dev/null && return 0; sleep 0.1; done
  return 1
}
# need_receivers — Debian's prometheus-alertmanager and python3-aiosmtpd (an
# SMTP server), installed when missing; 1 when they cannot be.
need_receivers() {
  command -v prometheus-alertmanager >/dev/null && /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null && return 0
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get install -y -qq --no-install-recommends prometheus-alertmanager python3-aiosmtpd >/dev/null
}
