#!/usr/bin/env bash
# postgres.sh — the PostgreSQL store beside SQLite (issue 15), on a
# throwaway server started like the tests do (tests/integration/postgres/pg.sh):
#   1. the demo fleet of PODS pods over DAYS days written to each (time, rows/s);
#   2. `allocation --window ${DAYS}d` by namespace and by label:team from a
#      cold CLI process, best of 3, time and peak RSS, each backend;
#   3. one flush of PODS pods: `demo --days 1`, i.e. PODS pods × 24 hours in
#      one transaction (with its roll-up), each backend;
#   4. AGENTS writers × AGENT_PODS pods at once (`demo --days 1` each),
#      each in its own schema of the one database (demo's clusters have fixed
#      names; real agents write distinct clusters into the same tables and
#      take different advisory locks, so they contend less than this);
#   5. `serve --all-contexts` watching FLEET clusters × FLEET_PODS pods on
#      real API servers in one process: resident memory after every cluster
#      synced and after the first flush (bench/serve_fleet.py; target under
#      100 MB).  FLEET=0 skips it.
#   bench/postgres.sh [PODS] [DAYS] [AGENTS] [AGENT_PODS] [FLEET] [FLEET_PODS]
#                                             (defaults 10000 30 10 5000 10 5000)
set -uo pipefail
cd "$(dirname "$0")/.."
pods=${1:-10000}; days=${2:-30}; agents=${3:-10}; apods=${4:-5000}; fleet=${5:-10}; fpods=${6:-5000}
make -s
kt=$PWD/build/kubetally
. tests/integration/lib.sh
. tests/integration/postgres/pg.sh
chmod 755 "$tmp"
pg_start "$tmp/pg" || { echo "PostgreSQL did not start"; exit 1; }
trap 'pg_stop "$tmp/pg"; kt_cleanup' EXIT
base=${PG_URL%/postgres}
pg_sql "CREATE DATABASE bench" >/dev/null

# CPU seconds as well as wall time: the machine may be shared, and CPU is
# what a flush or a query costs.  The server's share is the postmaster's
# own time plus that of every backend it has reaped (a CLI process's
# backend ends when it disconnects).
pg_cpu() {
  local pid; pid=$(head -1 "$tmp/pg/data/postmaster.pid")
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f\n", ($14 + $15 + $16 + $17) / hz }' "/proc/$pid/stat"
}
run1() { # command…: "wall KB client-CPU server-CPU" of one run (server CPU 0 for SQLite)
  local c0 c1=0
  c0=$(pg_cpu)
  /usr/bin/time -o "$tmp/time" -f "%e %M %U %S" "$@" >/dev/null 2>"$tmp/err" || { echo "failed"; return 1; }
  sleep 0.5 # the postmaster reaps the finished backend
  [[ "$*" == *postgresql://* ]] && c1=$(awk -v a="$c0" -v b="$(pg_cpu)" 'BEGIN { print b - a }')
  awk -v c="$c1" '{ printf "%s %s %.2f %.2f\n", $1, $2, $3 + $4, c }' "$tmp/time"
}
timed() { # label, command…: prints "label: S s wall, C s CPU (client + server), peak RSS M MB"
  local label=$1; shift
  local w kb cc sc
  read -r w kb cc sc < <(run1 "$@") && [ "$w" != failed ] ||
    { echo "$label: failed: $(head -2 "$tmp/err")"; return; }
  awk -v l="$label" -v w="$w" -v kb="$kb" -v cc="$cc" -v sc="$sc" 'BEGIN {
    printf "%-34s %8.2f s wall %8.2f s CPU (client %.2f + server %.2f)  peak RSS %5.0f MB\n", l, w, cc + sc, cc, sc, kb / 1024 }'
}
best() { # best of 3 by CPU: "wall KB cpu"
  local bc=999999 bw=0 bk=0 w kb cc sc c
  for i in 1 2 3; do
    read -r w kb cc sc < <(run1 "$@")
    [ "$w" = failed ] && continue
    c=$(awk -v a="$cc" -v b="$sc" 'BEGIN { print a + b }')
    if awk -v c="$c" -v b="$bc" 'BEGIN { exit !(c < b) }'; then bc=$c bw=$w bk=$kb; fi
  done
  echo "$bw $bk $bc"
}

echo "== write: demo fleet, $pods pods, $days days"
timed "SQLite demo write" $kt demo --db "sqlite:$tmp/bench.db" --days "$days" --pods "$pods" -q
timed "PostgreSQL demo write" $kt demo --db "$base/bench" --days "$days" --pods "$pods" -q
rows=$(PG_DB=bench pg_sql "SELECT count(*) FROM container_h")
echo "   container-hours stored: $rows (hourly rows kept for the last days; daily rows for the rest)"

echo "== read: allocation --window ${days}d (best of 3 by CPU, cold process; CPU = client + server)"
printf "%-18s %32s %32s\n" "" "SQLite" "PostgreSQL"
for agg in namespace label:team; do
  read -r s1 k1 c1 < <(best $kt allocation --db "sqlite:$tmp/bench.db" --window "${days}d" --aggregate "$agg" -o json)
  read -r s2 k2 c2 < <(best $kt allocation --db "$base/bench" --window "${days}d" --aggregate "$agg" -o json)
  printf "%-18s %6.2f s wall %6.2f s CPU %5.0f MB %6.2f s wall %6.2f s CPU %5.0f MB\n" "by $agg" "$s1" "$c1" \
    "$((k1/1024))" "$s2" "$c2" "$((k2/1024))"
done

echo "== one flush: $pods pods × 24 hours in one transaction (demo --days 1)"
pg_sql "CREATE DATABASE flush" >/dev/null
timed "SQLite" $kt demo --db "sqlite:$tmp/flush.db" --days 1 --pods "$pods" -q
timed "PostgreSQL" $kt demo --db "$base/flush" --days 1 --pods "$pods" -q

echo "== $agents writers × $apods pods at once, one database (demo --days 1 each)"
pg_sql "CREATE DATABASE many" >/dev/null
for i in $(seq "$agents"); do PG_DB=many pg_sql "CREATE SCHEMA a$i" >/dev/null; done
c0=$(pg_cpu)
start=$(date +%s.%N)
for i in $(seq "$agents"); do
  /usr/bin/time -o "$tmp/w$i.time" -f "%U %S" \
    $kt demo --db "$base/many?options=-csearch_path%3Da$i" --days 1 --pods "$apods" --seed "$i" -q >/dev/null 2>"$tmp/w$i.err" &
  wp[$i]=$!
done
failed=0
for i in $(seq "$agents"); do wait "${wp[$i]}" || { failed=$((failed+1)); head -2 "$tmp/w$i.err"; }; done
end=$(date +%s.%N)
sleep 0.5
c1=$(pg_cpu)
client=$(cat "$tmp"/w*.time | awk '{ s += $1 + $2 } END { print s }')
total=$(for i in $(seq "$agents"); do PG_DB=many pg_sql "SELECT count(*) FROM a$i.container_h"; done | awk '{s+=$1} END {print s}')
awk -v a="$start" -v b="$end" -v n="$total" -v f="$failed" -v w="$agents" -v cc="$client" -v sc="$(awk -v a="$c0" -v b="$c1" 'BEGIN{print b-a}')" 'BEGIN {
  printf "%d writers done in %.1f s wall: %d container-hours, %.0f rows/s, %d failed; CPU %.1f s (clients %.1f + server %.1f)\n", w, b-a, n, n/(b-a), f, cc + sc, cc, sc }'

if [ "$fleet" -gt 0 ]; then
  echo "== serve --all-contexts: $fleet clusters × $fpods pods, one process"
  pg_stop "$tmp/pg" # the database part is done: its server need not share the CPUs with the API servers
  python3 bench/serve_fleet.py "$fleet" "$fpods"
fi
