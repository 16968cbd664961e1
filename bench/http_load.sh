#!/usr/bin/env bash
# HTTP load: wrk, 64 connections for 60 s on
#   /allocation?window=7d&aggregate=namespace
# against `kubetally serve` on the demo fleet (--days 3 --pods 200), twice:
# as served (repeats answered from the answer cache, src/http/cache.h) and
# with --no-cache (every request loads the store and runs the engine).
# Prints requests/s, p50/p99 latency and errors (must be zero) for each,
# then the same answer produced by the peer in the same run — the CLI
# (`kubetally allocation -o json`), one process per answer, as many loops as
# cores — and the ratios.  DURATION=seconds shortens each run.
set -euo pipefail
cd "$(dirname "$0")/.."
kt=$PWD/build/kubetally
dur=${DURATION:-60}
conns=${CONNECTIONS:-64}
cores=$(nproc)
[ -x "$kt" ] || make >/dev/null
command -v wrk >/dev/null || { sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo; $sudo apt-get install -y -qq wrk >/dev/null; }
tmp=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

db=sqlite:$tmp/x.db
"$kt" demo --db "$db" --days 3 --pods 200 -q >/dev/null
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
errors_total=0
declare -A RPS P99
run_wrk() { # label, extra serve flags…
  local label=$1; shift
  local port; port=$(free_port)
  "$kt" serve --db "$db" --listen "127.0.0.1:$port" --threads "${THREADS:-$cores}" "$@" 2>"$tmp/serve.log" &
  pid=$!
  local url="http://127.0.0.1:$port/allocation?window=7d&aggregate=namespace"
  for _ in $(seq 50); do curl -sf "$url" -o "$tmp/api.json" && break; sleep 0.1; done
  "$kt" allocation --db "$db" -w 7d -a namespace -o json >"$tmp/cli.json"
  cmp -s "$tmp/api.json" "$tmp/cli.json" || { echo "FAIL: API and CLI answers differ"; exit 1; }
  echo "== $label: answer $(wc -c <"$tmp/api.json") bytes, identical from the API and the CLI"
  wrk -t "$cores" -c "$conns" -d "${dur}s" --latency "$url" >"$tmp/wrk.txt"
  cat "$tmp/wrk.txt"
  local rps p50 p99 sock non2xx errors srv_err
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$tmp/wrk.txt")
  p50=$(awk '$1 == "50%" {print $2}' "$tmp/wrk.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$tmp/wrk.txt")
  sock=$(awk '/Socket errors:/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$tmp/wrk.txt")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$tmp/wrk.txt")
  errors=$(( ${sock:-0} + ${non2xx:-0} ))
  # the server's own count of non-2xx answers, from /metrics
  srv_err=$(curl -s "http://127.0.0.1:$port/metrics" |
    awk '/^kubetally_http_requests_total\{route="\/allocation",code="[45]xx"\}/ {s += $NF} END {print s + 0}')
  kill "$pid"; wait "$pid" 2>/dev/null; pid=""
  RPS[$label]=$rps; P99[$label]=$p99
  echo "kubetally serve ($label): $rps requests/s, p50 $p50, p99 $p99, $errors errors (wrk), $srv_err non-2xx (server), $conns connections, ${dur} s"
  errors_total=$(( errors_total + errors + srv_err ))
}
run_wrk "answer cache"
run_wrk "no cache" --no-cache

# peer: the CLI answering the same query, one process per answer, one loop per core
peer_secs=$(( dur < 20 ? dur : 20 ))
end=$(( $(date +%s) + peer_secs ))
for c in $(seq "$cores"); do
  ( n=0; while [ "$(date +%s)" -lt "$end" ]; do "$kt" allocation --db "$db" -w 7d -a namespace -o json >/dev/null; n=$((n+1)); done; echo $n >"$tmp/peer.$c" ) &
done
wait
runs=$(cat "$tmp"/peer.* | awk '{s += $1} END {print s}')
peer_rps=$(awk -v n="$runs" -v s="$peer_secs" 'BEGIN {printf "%.1f", n / s}')

echo
echo "peer (CLI, $cores loops): $peer_rps answers/s over ${peer_secs} s"
for label in "answer cache" "no cache"; do
  awk -v l="$label" -v a="${RPS[$label]}" -v p="${P99[$label]}" -v b="$peer_rps" \
    'BEGIN {printf "serve (%s): %s requests/s, p99 %s; ratio serve/CLI: %.1fx\n", l, a, p, a / b}'
done
[ "$errors_total" -eq 0 ] || { echo "FAIL: $errors_total errors under load"; exit 1; }
echo "zero errors"
