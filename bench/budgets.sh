#!/usr/bin/env bash
# budgets.sh — evaluating 1,000 budgets and 16 alert rules over the demo
# fleet (issue 13): one round of serve's evaluation (`kubetally alerts
# --evaluate`), total time and peak RSS.  Target: under 2 s for all of them.
# Peer: one ordinary question, `allocation --window 30d --aggregate
# namespace`, on the same store in the same run: the round's CPU time is
# printed as a multiple of it (1,000 budgets asked one by one would be
# about 1,000 of them).
# Budgets and rules share passes over the data (budgets_status: two engine
# questions for every budget; rules: one or two each), not one query each.
#   bench/budgets.sh [PODS] [DAYS]      (defaults 10000 30; KEEP_WORK=1 keeps the copy)
# The fleet is bench/allocation.sh's (KUBETALLY_BENCH_DB), copied so the
# budgets written here stay out of it.  The time printed is the round's
# wall time; CPU time is printed too, since on a shared machine the wall
# time moves with the load.
set -euo pipefail
cd "$(dirname "$0")/.."
pods=${1:-10000}; days=${2:-30}
make -s
src=${KUBETALLY_BENCH_DB:-/tmp/kubetally-bench-v2-$pods-$days.db}
if [ ! -s "$src" ]; then
  echo "writing demo fleet ($pods pods, $days days) to $src"
  build/kubetally demo --db "sqlite:$src" --days "$days" --pods "$pods" -q
fi
work=$(mktemp -d /tmp/kt-bench-budgets.XXXXXX)
[ -n "${KEEP_WORK:-}" ] && echo "work: $work" || trap 'rm -rf "$work"' EXIT
cp "$src" "$work/b.db"
[ -d "$src.days" ] && cp -r "$src.days" "$work/b.db.days"
db="sqlite:$work/b.db"

# 1,000 budgets over what the fleet holds: namespaces, teams, clusters,
# providers, weekly and monthly, periods starting on different days
mapfile -t nss < <(sqlite3 "$work/b.db" "SELECT DISTINCT namespace FROM pods ORDER BY 1")
mapfile -t cls < <(sqlite3 "$work/b.db" "SELECT name FROM clusters ORDER BY 1")
teams=(payments checkout search identity data ml platform growth)
provs=(aws gcp azure onprem)
{
  echo "budgets:"
  for i in $(seq 0 999); do
    case $((i % 5)) in
      0) v="namespace: [\"${nss[$((i % ${#nss[@]}))]}\"]" ;;
      1) v="label: [\"team:${teams[$((i % 8))]}\"]" ;;
      2) v="cluster: [\"${cls[$((i % ${#cls[@]}))]}\"]" ;;
      3) v="provider: [\"${provs[$((i % 4))]}\"], label: [\"team:${teams[$((i % 8))]}\"]" ;;
      4) v="namespace: [\"${nss[$((i % ${#nss[@]}))]}\", \"${nss[$(((i + 7) % ${#nss[@]}))]}\"]" ;;
    esac
    if [ $((i % 3)) = 0 ]; then iv="interval: weekly, intervalDay: $((i % 7))"; else iv="interval: monthly, intervalDay: $((i % 28 + 1))"; fi
    echo "  - {id: b$i, name: budget-$i, values: {$v}, $iv, spendLimit: $((100 + i * 37 % 5000)), actions: [{percentage: 80, forecast: true}, {percentage: 100}]}"
  done
  echo "alerts:"
  for agg in namespace cluster label:team controller; do
    echo "  - {id: eff-${agg/:/-}, type: efficiency, window: 1d, aggregation: $agg, efficiencyThreshold: 0.4, spendThreshold: 5}"
    echo "  - {id: chg-${agg/:/-}, type: spendChange, window: 1d, aggregation: $agg, baselineWindow: 7d, relativeThreshold: 0.3}"
    echo "  - {id: odd-${agg/:/-}, type: anomaly, aggregation: $agg}"
    echo "  - {id: sum-${agg/:/-}, type: recurringUpdate, window: daily, aggregation: $agg}"
  done
} > "$work/kubetally.yaml"

today=$(( $(date +%s) / 86400 * 86400 ))
at() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
# first round: budgets saved and evaluated, rules scheduled for 00:00;
# second round, just after midnight: every budget again and every rule runs
cpu() { echo "$1" | sed -n 's/.*CPU \([0-9.]*\) s user + \([0-9.]*\) s system.*/\1 \2/p' | awk '{printf "%.2f", $1 + $2}'; }
peer=$( { /usr/bin/time -f "peak RSS %M KB, CPU %U s user + %S s system" build/kubetally allocation --db "$db" \
          --window 30d --aggregate namespace -o json >/dev/null; } 2>&1 | grep 'peak RSS')
peer_cpu=$(cpu "$peer")
echo "peer: allocation --window 30d --aggregate namespace: $peer"
for t in $((today - 86400 + 30)) $((today + 60)); do
  out=$( { /usr/bin/time -f "peak RSS %M KB, CPU %U s user + %S s system" build/kubetally alerts --evaluate \
           --config "$work/kubetally.yaml" --db "$db" --at "$(at $t)"; } 2>&1 )
  c=$(cpu "$(echo "$out" | grep 'peak RSS')")
  echo "round at $(at $t): $(echo "$out" | grep -v 'peak RSS' | tail -1), $(echo "$out" | grep 'peak RSS')"
  echo "  CPU $c s = $(awk -v a="$c" -v b="$peer_cpu" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')× the peer's $peer_cpu s"
done
