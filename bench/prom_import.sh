#!/usr/bin/env bash
# prom_import.sh — issue 6's benchmark: the same 30-day history for 2,000
# concurrent pods in a real Prometheus and in kubetally, in one run.
#
#   bench/prom_import.sh [PODS] [DAYS] [INTERVAL_S]      (defaults 2000 30 600)
#   KT_IMPORT_FLAGS="--chunk 24h" bench/prom_import.sh   (extra import flags)
#
# The fleet (tests/integration/prometheus/gen_fleet.awk, mode bench): PODS
# pods over 4 clusters x 10 namespaces, 20 pods per 16-core 64 GiB node,
# kube-state-metrics v2 requests/running and cAdvisor CPU/memory every
# INTERVAL_S seconds (10 minutes by default: a 30-day x 2,000-pod file at
# 1-minute scrapes would be ~70 GB of OpenMetrics; lower PODS or DAYS, or
# raise the interval, to make it quicker), metadata and OpenCost's
# node_cpu_hourly_cost / node_ram_hourly_cost hourly.
#
# Measures:
#   1. `kubetally import prometheus` of the whole window: wall time, peak RSS
#   2. Prometheus answering "cost by namespace over the window" in PromQL the
#      way OpenCost prices allocations (average request x node price x hours)
#   3. kubetally answering the same question from its store
#      (`allocation --aggregate namespace`, which also does idle, usage
#      above request, volumes and load balancers)
# and prints the ratios.  Best of 3 for the queries.
set -euo pipefail
cd "$(dirname "$0")/.."
pods=${1:-2000}; days=${2:-30}; interval=${3:-600}
make -s >/dev/null
kt=$PWD/build/kubetally
tmp=$(mktemp -d /tmp/kt-prom-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

t1=$(( $(date +%s) / 86400 * 86400 ))
t0=$(( t1 - days * 86400 ))
echo "fleet: $pods pods, $days days, samples every $interval s"
s=$(date +%s.%N)
awk -v mode=bench -v t0=$t0 -v hours=$((days * 24)) -v pods=$pods -v interval=$interval \
  -f tests/integration/prometheus/gen_fleet.awk > "$tmp/fleet.om"
lines=$(wc -l < "$tmp/fleet.om")
# one pass per block: a block as long as the data keeps promtool from re-reading the file per day
promtool tsdb create-blocks-from openmetrics --max-block-duration=$(( (days + 2) * 24 ))h "$tmp/fleet.om" "$tmp/data" >/dev/null
rm -f "$tmp/fleet.om"
printf "history: %d samples generated and backfilled in %.0f s\n" "$lines" "$(echo "$(date +%s.%N) - $s" | bc)"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
prom=http://127.0.0.1:$port
printf 'global:\n  scrape_interval: 1m\n' > "$tmp/prometheus.yml"
prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/data" --storage.tsdb.retention.time=3650d \
  --web.listen-address=127.0.0.1:$port --query.timeout=10m > "$tmp/prometheus.log" 2>&1 &
ppid=$!; pids+=($ppid)
for i in $(seq 1 300); do curl -sf "$prom/-/ready" >/dev/null && break; sleep 0.2; done

# 1. import
/usr/bin/time -v "$kt" import prometheus --pricing default --url "$prom" --window "$t0,$t1" --resolution "${interval}s" ${KT_IMPORT_FLAGS:-} \
  --db "sqlite:$tmp/kt.db" -q > "$tmp/import.out" 2> "$tmp/import.time" || { cat "$tmp/import.time"; exit 1; }
imp_s=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, a, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + a[i]; print s }' "$tmp/import.time")
imp_kb=$(awk -F': ' '/Maximum resident/ { print $2 }' "$tmp/import.time")
cat "$tmp/import.out"
printf "%-52s %8.2f s %8d KB peak RSS\n" "kubetally import prometheus ($days d)" "$imp_s" "$imp_kb"

# 2. PromQL, priced like OpenCost: avg request over the window x node price x hours
h=$(( days * 24 ))
promql="sum by (namespace) (avg_over_time(kube_pod_container_resource_requests{resource=\"cpu\"}[${days}d]) * on (cluster, node) group_left() avg_over_time(node_cpu_hourly_cost[${days}d])) * $h + sum by (namespace) (avg_over_time(kube_pod_container_resource_requests{resource=\"memory\"}[${days}d]) / 1073741824 * on (cluster, node) group_left() avg_over_time(node_ram_hourly_cost[${days}d])) * $h"
best_p=999
for i in 1 2 3; do
  t=$(curl -sf -o "$tmp/promql.json" -w '%{time_total}' "$prom/api/v1/query" --data-urlencode "query=$promql" --data-urlencode "time=$t1")
  awk "BEGIN { exit !($t < $best_p) }" && best_p=$t
done
prom_total=$(jq '[.data.result[].value[1] | tonumber] | add' "$tmp/promql.json")
prom_kb=$(awk '/VmHWM/ { print $2 }' /proc/$ppid/status)
printf "%-52s %8.3f s %8d KB peak RSS (whole server)\n" "Prometheus: PromQL cost by namespace" "$best_p" "$prom_kb"

# 3. kubetally from its store
best_k=999; best_kb=0
for i in 1 2 3; do
  a=$(date +%s%N)
  kb=$( { /usr/bin/time -f "%M" "$kt" allocation --db "$tmp/kt.db" --window "$t0,$t1" --aggregate namespace -o json > "$tmp/kt.json"; } 2>&1 | tail -1)
  s=$(awk -v a=$a -v b=$(date +%s%N) 'BEGIN { printf "%.4f", (b - a) / 1e9 }')
  if awk "BEGIN { exit !($s < $best_k) }"; then best_k=$s; best_kb=$kb; fi
done
kt_req=$(jq '[.data[0] | to_entries[] | select(.key | startswith("__") | not) | .value.cpuCost + .value.ramCost] | add' "$tmp/kt.json")
printf "%-52s %8.3f s %8d KB peak RSS\n" "kubetally allocation by namespace" "$best_k" "$best_kb"

echo
printf "query time ratio kubetally / PromQL: %.3f   (PromQL is %.1fx %s)\n" \
  "$(awk "BEGIN { print ($best_p > 0) ? $best_k / $best_p : 0 }")" \
  "$(awk "BEGIN { r = ($best_k > 0) ? $best_p / $best_k : 0; print (r >= 1) ? r : 1 / r }")" \
  "$(awk "BEGIN { print ($best_p >= $best_k) ? \"slower\" : \"faster\" }")"
printf "import time / one PromQL answer: %.1f   (import once, then every query is local)\n" \
  "$(awk "BEGIN { print ($best_p > 0) ? $imp_s / $best_p : 0 }")"
printf "cost over the window: PromQL (requests x price) \$%.2f, kubetally allocated CPU+RAM \$%.2f\n" "$prom_total" "$kt_req"
# kubetally charges max(request, usage) at each step: the quarter of the pods requesting 0.25 core use
# 0.3, so it should be PromQL's figure + 0.05 core x PODS/4 x hours x 0.031611 $/core-h
want=$(awk -v p="$prom_total" -v n=$pods -v h=$h 'BEGIN { printf "%.2f", p + 0.05 * int((n + 3) / 4) * h * 0.031611 }')
printf "expected kubetally = PromQL + 0.05 x %d pods x %d h x 0.031611 = \$%s: %s\n" $(( (pods + 3) / 4 )) $h "$want" \
  "$(awk -v a="$kt_req" -v b="$want" 'BEGIN { d = a - b; if (d < 0) d = -d; print (d < 0.01 * (b > 1 ? b : 1)) ? "agrees" : "DISAGREES" }')"
