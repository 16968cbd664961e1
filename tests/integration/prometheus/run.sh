#!/usr/bin/env bash
# Prometheus import, end to end, against a real Prometheus (Debian package).
#
# Generates a three-cluster fleet's kube-state-metrics (v1 AND v2 names) and
# cAdvisor history as OpenMetrics (gen_fleet.awk, which describes the
# fleet), backfills it with promtool, starts Prometheus on loopback with a
# temporary data dir, imports with `kubetally import prometheus`, and checks:
#   - costs by hand (arithmetic below), read back with `kubetally allocation`
#   - requested core-hours by namespace equal PromQL's answer over the same data
#   - re-importing (same window, other chunk sizes, overlapping window) changes nothing
#   - Prometheus down, slow, erroring, partial, behind an HTML proxy, failing
#     mid-import, wrong token, a million series: one clear error, exit 1,
#     and the database exactly as before.
# Stops everything it started; exits nonzero on any failure.
#   PROM_EXPLODE_SERIES=1000000 (default) sets the label-explosion size.
set -uo pipefail
cd "$(dirname "$0")/../../.."
root=$PWD
kt=${KUBETALLY_BIN:-$root/build/kubetally}   # e.g. an ASan build
here=$root/tests/integration/prometheus
command -v prometheus >/dev/null && command -v promtool >/dev/null || {
  echo "installing prometheus (Debian package)"; apt-get install -y prometheus >/dev/null || exit 1; }
for t in jq sqlite3 python3 curl; do command -v $t >/dev/null || { echo "missing $t"; exit 1; }; done
make -s >/dev/null || exit 1

tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
fails=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fails=$((fails+1)); }
near() { awk -v a="$1" -v b="$2" -v t="${3:-1e-4}" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t) }'; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# ---- history: 48 h ending three days ago at midnight UTC, plus 1 h before for rate()
t0=$(( $(date +%s) / 86400 * 86400 - 3 * 86400 ))
t1=$(( t0 + 48 * 3600 ))
awk -v mode=test -v t0=$t0 -v hours=48 -f "$here/gen_fleet.awk" > "$tmp/fleet.om"
mkdir -p "$tmp/data"
promtool tsdb create-blocks-from openmetrics --max-block-duration=24h "$tmp/fleet.om" "$tmp/data" >/dev/null || { echo "promtool failed"; exit 1; }
# the label explosion lives two days earlier, away from the fleet's window
boom_t=$(( t0 - 2 * 86400 ))
explode=${PROM_EXPLODE_SERIES:-1000000}
awk -v mode=explode -v t0=$boom_t -v series=$explode -f "$here/gen_fleet.awk" > "$tmp/boom.om"
promtool tsdb create-blocks-from openmetrics "$tmp/boom.om" "$tmp/data" >/dev/null || { echo "promtool (explosion) failed"; exit 1; }
rm -f "$tmp/fleet.om" "$tmp/boom.om"

port=$(free_port)
prom=http://127.0.0.1:$port
printf 'global:\n  scrape_interval: 1m\n' > "$tmp/prometheus.yml"
prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/data" --storage.tsdb.retention.time=3650d \
  --web.listen-address=127.0.0.1:$port > "$tmp/prometheus.log" 2>&1 &
pids+=($!)
for i in $(seq 1 100); do curl -sf "$prom/-/ready" >/dev/null && break; sleep 0.2; done
curl -sf "$prom/-/ready" >/dev/null || { echo "Prometheus did not start:"; tail -5 "$tmp/prometheus.log"; exit 1; }

db=$tmp/kt.db
win="$t0,$t1"
fingerprint() { # everything a re-import could change
  sqlite3 "$1" "SELECT (SELECT count(*) FROM clusters), (SELECT count(*) FROM nodes), (SELECT count(*) FROM pods),
    (SELECT count(*) FROM containers), (SELECT count(*) || ':' || total(cpu_req) || ':' || total(cpu_alloc) || ':' || total(ram_alloc) || ':' || total(gpu) FROM container_h),
    (SELECT count(*) || ':' || total(hours*hourly) FROM node_h), (SELECT count(*) || ':' || total(hours) FROM pod_volume_h),
    (SELECT count(*) || ':' || total(hours) FROM pod_lb_h)" 2>/dev/null
}

# ---- import
out=$($kt import prometheus --pricing default --url "$prom" --window "$win" --db "sqlite:$db" 2>"$tmp/import.err")
rc=$?
[ $rc -eq 0 ] && ok "import: $out" || { bad "import exit $rc: $(cat "$tmp/import.err")"; exit 1; }
grep -q "import: 100%, read to" "$tmp/import.err" && ok "plain progress lines when stderr is not a terminal" || bad "no progress lines"
[[ "$out" == *"3 clusters, 4 nodes, 5 pods"* ]] && ok "3 clusters, 4 nodes, 5 pods" || bad "counts: $out"

$kt allocation --db "$db" --window "$win" --aggregate namespace -o json > "$tmp/ns.json" || bad "allocation"
val() { jq -r --arg k "$1" --arg f "$2" '.data[0][$k][$f] // "missing"' "$tmp/ns.json"; }
check() { # namespace field want what
  local got; got=$(val "$1" "$2")
  near "$got" "$3" && ok "$1 $2 = $3 ($4)" || bad "$1 $2 = $got, want $3 ($4)"
}
# OpenCost's default prices (--pricing default): 0.031611 $/core-h, 0.004237 $/GiB-h, 0.95 $/GPU-h;
# disks 0.04/730 $/GiB-h; load balancers 0.025 $/h.  Window: 48 h.
# web (aws-prod, KSM v2): 2 pods x 0.5 core x 48 h = 48 core-h (usage 0.25 < request)
check web cpuCoreHours 48 "2 x 0.5 x 48"
check web cpuCost 1.517328 "48 x 0.031611"
check web ramCost 0.406752 "2 pods x 1 GiB x 48 h = 96 GiB-h x 0.004237"
check web pvCost 0.026301 "10 GiB x 48 h x 0.04/730"
check web loadBalancerCost 1.2 "48 h x 0.025, all to web's pods through endpoint IPs"
check web totalCost 3.150381 "1.517328 + 0.406752 + 0.026301 + 1.2"
# batch/job-1: request 1 core for 4 h; use 0.5 core except 2 cores in hour 12-13:
# allocated = 3 h x max(1, 0.5) + 1 h x max(1, 2) = 5 core-h (OpenCost's max of averages would say 4)
check batch cpuCoreHours 5 "3 x 1 + 1 x 2"
check batch cpuCost 0.158055 "5 x 0.031611"
check batch ramCost 0.033896 "2 GiB x 4 h = 8 GiB-h x 0.004237"
# api (gcp-prod): no cAdvisor series, so usage = request: 2 cores x 48 h, 4 GiB x 48 h
check api cpuCoreHours 96 "2 x 48"
check api totalCost 3.84816 "96 x 0.031611 + 192 x 0.004237"
# ml (onprem, KSM v1 metric names): use 6 cores > request 4: 6 x 48 = 288 core-h; 8 GiB x 48; 1 GPU x 48 h
check ml cpuCoreHours 288 "6 x 48"
check ml gpuCost 45.6 "1 x 48 x 0.95"
check ml totalCost 56.330976 "288 x 0.031611 + 384 x 0.004237 + 45.6"
# web-0's traffic: cAdvisor counters at 1000 B/s in, 500 B/s out over 48 h = 172,800,000 and 86,400,000 bytes
# (sent bytes have no destination: counted, never priced, so the costs above and below are unchanged)
check web networkReceiveBytes 172800000 "1000 B/s x 48 h"
check web networkTransferBytes 86400000 "500 B/s x 48 h"
# data-web-0's used bytes per UTC day from kubelet_volume_stats_used_bytes, at the 5-minute steps
# (a step belongs to the day it starts in): day 1 288 steps of 2 GiB; day 2 287 of 3 GiB and one of 4 GiB
# (t0+30h): peak 4 GiB, average (287 x 3 + 4)/288 = 3.003472 GiB; capacity 10 GiB
vu=$(sqlite3 "$db" "SELECT group_concat(((u.day - $t0) / 86400) || ':' || (u.used_peak / 1073741824) || ':' ||
  round(u.used_avg / 1073741824, 6) || ':' || u.samples || ':' || (u.capacity / 1073741824), ' ') FROM
  (SELECT * FROM volume_usage ORDER BY day) u")
[ "$vu" = "0:2.0:2.0:288:10.0 1:4.0:3.003472:288:10.0" ] && ok "claim used bytes per day: $vu" ||
  bad "claim used bytes per day: '$vu', want '0:2.0:2.0:288:10.0 1:4.0:3.003472:288:10.0'"
# PV right-sizing from them: 4 GiB x 1.1 = 4.4 GiB -> 5Gi of the 10 GiB volume;
# saves (10 - 5) GiB x 0.04/730 $/GiB-h x 730 h = 0.2 $/month
pv=$($kt savings volumes --db "$db" --window "$win" -o json)
[ "$(jq -r '.recommendations[0] | "\(.volumeName) \(.maxUsageBytes) \(.recommendedCapacity)"' <<<"$pv")" = \
  "pv-web-0 4294967296 5Gi" ] && near "$(jq '.recommendations[0].savingsMonthly' <<<"$pv")" 0.2 1e-9 &&
  ok "savings volumes: pv-web-0 peak 4 GiB -> 5Gi, saves 0.2/month" || bad "savings volumes: $pv"
# conservation: every row incl. __idle__ sums to the assets:
# nodes: aws 2 x (4 x 0.031611 + 16 x 0.004237) x 48 = 18.646656; gcp (8 x 0.031611 + 32 x 0.004237) x 48 = 18.646656;
# metal (16 x 0.031611 + 64 x 0.004237 + 2 x 0.95) x 48 = 128.493312; + disk 0.026301 + LB 1.2 = 167.012925
total=$(jq '[.data[0][] | .totalCost] | add' "$tmp/ns.json")
near "$total" 167.012925 1e-3 && ok "all rows incl. idle = assets 167.012925" || bad "total $total, want 167.012925"

# cloud facts
sqlite3 "$db" "SELECT name, provider, region, zone, instance_type, spot FROM nodes ORDER BY name" > "$tmp/nodes.txt"
grep -qx "aws-node-2|aws|us-east-1|us-east-1b|m5.xlarge|1" "$tmp/nodes.txt" && ok "aws spot node from providerID + EKS labels" || bad "aws node: $(cat "$tmp/nodes.txt")"
grep -qx "gke-node-1|gcp|europe-west1|europe-west1-b|n2-standard-8|1" "$tmp/nodes.txt" && ok "gcp spot node from beta labels, region from zone" || bad "gcp node: $(grep gke "$tmp/nodes.txt")"
grep -qx "metal-1|onprem||||0" "$tmp/nodes.txt" && ok "node without providerID is onprem" || bad "metal: $(grep metal "$tmp/nodes.txt")"
# ---- catalog prices: without --pricing every node is priced from its cloud's own list, source recorded
# (the checks above pin OpenCost's default rates with --pricing default, as OpenCost's exporter charges)
$kt import prometheus --url "$prom" --window "$win" --db "sqlite:$tmp/catalog.db" -q >/dev/null 2>&1 || bad "catalog import"
sqlite3 -separator ' ' "$tmp/catalog.db" "SELECT n.name, max(h.hourly), min(h.source) FROM node_h h
  JOIN nodes n ON n.id = h.node_id GROUP BY 1 ORDER BY 1" > "$tmp/catalog.txt"
# aws-node-1 m5.xlarge us-east-1 on-demand 0.192 $/h (AWS list price); aws-node-2 the same type on spot
# 0.07104 (the catalog's spot average); gke-node-1 n2-standard-8 europe-west1 spot 0.093776 (GCP spot list);
# metal-1 on-prem, no sheet: default rates 16 x 0.031611 + 64 x 0.004237 + 2 x 0.95 = 2.676944
printf '%s\n' "aws-node-1 0.192 catalog" "aws-node-2 0.07104 catalog" "gke-node-1 0.093776 catalog" \
  "metal-1 2.676944 default" > "$tmp/catalog.want"
if awk 'NR == FNR { w[$1] = $2 " " $3; next } { split(w[$1], x, " "); d = $2 - x[1]; if (d < 0) d = -d;
        if (d > 1e-9 || $3 != x[2]) bad = 1; n++ } END { exit bad || n != 4 }' "$tmp/catalog.want" "$tmp/catalog.txt"; then
  ok "catalog prices and sources per node ($(tr '\n' ';' < "$tmp/catalog.txt"))"
else
  bad "catalog prices: $(tr '\n' ';' < "$tmp/catalog.txt")"
fi
ctl=$(sqlite3 "$db" "SELECT controller_kind || ':' || controller FROM pods WHERE name='web-0'")
[ "$ctl" = "deployment:web" ] && ok "ReplicaSet resolved to its Deployment" || bad "web-0 controller $ctl"

# ---- PromQL: requested core-hours by namespace over the same 48 h, both KSM schemes,
# only while running, 5-minute steps (t0, t1]: Σ request x 300 s / 3600
promql='sum by (namespace) (sum_over_time((max by (cluster,namespace,pod,container) ({__name__=~"kube_pod_container_resource_requests|kube_pod_container_resource_requests_cpu_cores",resource=~"|cpu"}) * on (cluster,namespace,pod,container) max by (cluster,namespace,pod,container) (kube_pod_container_status_running == 1))[172799s:300s])) * 300 / 3600'
curl -sf "$prom/api/v1/query" --data-urlencode "query=$promql" --data-urlencode "time=$t1" |
  jq -r '.data.result[] | "\(.metric.namespace) \(.value[1])"' | sort > "$tmp/promql.txt"
# kubetally's side from its hourly rows: `allocation` reports requests as an average over the
# allocation's minutes, and its minutes are not exact for a pod that runs part of a day read from
# daily roll-ups, so the store's Σ cpu_req is the exact figure to compare.
sqlite3 -separator ' ' "$db" "SELECT p.namespace, sum(c.cpu_req) FROM container_h c JOIN containers k ON k.id = c.container_id
  JOIN pods p ON p.id = k.pod_id GROUP BY 1" | sort > "$tmp/kt.txt"
if [ "$(wc -l < "$tmp/promql.txt")" -eq 4 ] && join "$tmp/promql.txt" "$tmp/kt.txt" | awk '{ d = $2 - $3; if (d < 0) d = -d; if (d > 1e-3) bad = 1; n++ } END { exit bad || n != 4 }'; then
  ok "requested core-hours by namespace = PromQL ($(tr '\n' ' ' < "$tmp/promql.txt"))"
else
  bad "PromQL vs kubetally: $(join -a1 -a2 "$tmp/promql.txt" "$tmp/kt.txt" | tr '\n' ';')"
fi

# ---- idempotence
fp=$(fingerprint "$db")
$kt import prometheus --pricing default --url "$prom" --window "$win" --db "$db" -q >/dev/null 2>&1 || bad "re-import failed"
[ "$(fingerprint "$db")" = "$fp" ] && ok "re-importing the same window changes nothing" || bad "re-import changed: $fp -> $(fingerprint "$db")"
$kt import prometheus --pricing default --url "$prom" --window "$((t0 + 7 * 3600)),$((t1 - 5 * 3600))" --chunk 3h --db "$db" -q >/dev/null 2>&1 || bad "overlap import failed"
[ "$(fingerprint "$db")" = "$fp" ] && ok "an overlapping window with 3 h chunks changes nothing" || bad "overlap changed: $(fingerprint "$db")"
$kt import prometheus --pricing default --url "$prom" --window "$win" --chunk 6h --concurrency 1 --db "sqlite:$tmp/one.db" -q >/dev/null 2>&1
[ "$(fingerprint "$tmp/one.db")" = "$fp" ] && ok "6 h chunks, one query at a time: same rows" || bad "chunking changed rows: $(fingerprint "$tmp/one.db")"

# a single-cluster Prometheus (no cluster label on its series): everything lands in --cluster
out=$($kt import prometheus --pricing default --url "$prom" --window "$win" --cluster-label cluster_id --cluster solo --db "sqlite:$tmp/solo.db" 2>/dev/null)
[[ "$out" == *"1 clusters, 4 nodes, 5 pods"* ]] && [ "$(sqlite3 "$tmp/solo.db" "SELECT group_concat(name) FROM clusters")" = "solo" ] \
  && ok "no cluster label: one cluster named by --cluster" || bad "--cluster-label/--cluster: $out"

# ---- continuous import (--follow: what `serve --prometheus` calls): the first round backfills
# the last 4 days, the next re-imports the last hour; the fleet's window reads the same
$kt import prometheus --pricing default --url "$prom" --window 4d --follow 1s --db "sqlite:$tmp/follow.db" > /dev/null 2> "$tmp/follow.log" &
fpid=$!; pids+=($fpid)
for i in $(seq 1 150); do [ "$(grep -c 'import: up to' "$tmp/follow.log")" -ge 2 ] && break; sleep 0.2; done
kill $fpid 2>/dev/null; wait $fpid 2>/dev/null
$kt allocation --db "$tmp/follow.db" --window "$win" --aggregate namespace -o json > "$tmp/follow.json" 2>/dev/null
[ "$(grep -c 'import: up to' "$tmp/follow.log")" -ge 2 ] && cmp -s "$tmp/follow.json" "$tmp/ns.json" \
  && ok "--follow: backfill, then rounds; same costs as the one-shot import" || bad "--follow: $(tail -2 "$tmp/follow.log")"

# ---- errors: one line, exit 1, database untouched
half=$tmp/half.db
$kt import prometheus --pricing default --url "$prom" --window "$t0,$((t0 + 24 * 3600))" --db "sqlite:$half" -q >/dev/null 2>&1
half_fp=$(fingerprint "$half")
expect_fail() { # name, substring, secret-that-must-not-appear, args...
  local name=$1 want=$2 secret=$3; shift 3
  local err rc
  err=$(timeout 120 $kt import prometheus --pricing default --db "$half" -q "$@" 2>&1 >/dev/null); rc=$?
  if [ $rc -eq 1 ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && [[ "$err" == *"$want"* ]] &&
     { [ -z "$secret" ] || [[ "$err" != *"$secret"* ]]; } && [ "$(fingerprint "$half")" = "$half_fp" ]; then
    ok "$name: $err"
  else
    bad "$name (exit $rc): $err"
  fi
}
fake() { # mode [upstream] [n]: starts fake_prom.py on a port it binds itself (0), sets $u to its URL
  local f; f=$(mktemp -p "$tmp")
  python3 "$here/fake_prom.py" 0 "$@" >"$f" 2>/dev/null &
  pids+=($!)
  for i in $(seq 1 300); do [ -s "$f" ] && break; sleep 0.1; done # bounded: 30 s
  u=http://127.0.0.1:$(head -1 "$f")
}
down=$(free_port)
expect_fail "Prometheus down" "cannot reach Prometheus" "" --url "http://127.0.0.1:$down" --window "$win" --retries 1
fake slow;    expect_fail "Prometheus slow" "did not answer" "" --url "$u" --window "$win" --timeout 2 --retries 0
fake error;   expect_fail "Prometheus error" "too many samples" "" --url "$u" --window "$win"
fake partial; expect_fail "partial response" "partial response" "" --url "$u" --window "$win"
fake big;     expect_fail "answer over --max-answer-mb" "with more than 1 MiB" "" --url "$u" --window "$win" --max-answer-mb 1
fake html;    expect_fail "HTML instead of the API" "not a Prometheus API response" "" --url "$u" --window "$win"
# fails after 60 answers: the first day's chunk takes 43 (1 count + 3 clusters x 11 + 9 fleet-wide),
# the second day's fails part way; nothing of either may stay
fake flaky "$prom" 60; expect_fail "failure mid-import rolls back" "HTTP 503" "" --url "$u" --window "$win" --retries 1
echo wrong > "$tmp/bad.token"; echo s3cret > "$tmp/good.token"
fake auth "$prom"; expect_fail "wrong bearer token" "check --bearer-token-file" "wrong" --url "$u" --window "$win" --bearer-token-file "$tmp/bad.token"
$kt import prometheus --pricing default --url "$u" --window "$win" --bearer-token-file "$tmp/good.token" --db "sqlite:$tmp/auth.db" -q >/dev/null 2>"$tmp/auth.err" &&
  [ "$(fingerprint "$tmp/auth.db")" = "$fp" ] && ok "bearer token file accepted" || bad "token import: $(cat "$tmp/auth.err")"
expect_fail "$explode series in one metric" "above the limit" "" --url "$prom" --window "$((boom_t - 3600)),$((boom_t + 3600))" --max-series $((explode / 10))
err=$($kt import prometheus --pricing default --url "$prom" --window "$win" --resolution 7m --db "$half" 2>&1); rc=$?
[ $rc -eq 2 ] && [[ "$err" == *"must divide an hour"* ]] && ok "bad input exits 2: $err" || bad "bad resolution (exit $rc): $err"

if [ $fails -eq 0 ]; then echo "PASS prometheus import"; exit 0; fi
echo "$fails check(s) failed"; exit 1
