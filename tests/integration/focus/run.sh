#!/usr/bin/env bash
# FOCUS bills end to end: the official 1,000-row sample (every row accounted
# for; totals per provider and service computed here from the CSV with
# python's csv module), then a demo fleet whose nodes' providerIDs appear on
# bills this script writes (AWS: Savings-Plan effective cost 0.7 × list;
# GCP: 0.9 × list, one node left off): reconciled node, namespace and team
# costs equal that arithmetic, the missing node stays estimated and is
# listed, a restated bill replaces the old one, the API answers the CLI's
# bytes, and hostile files (wrong types, NaN, opposite signs, missing
# columns, a 2 GB line) get one clear line, exit 2, and change nothing.
set -uo pipefail
cd "$(dirname "$0")/../../.."
kt=$PWD/build/kubetally
. tests/integration/lib.sh
sample=${FOCUS_SAMPLE:-/work/shared/data/focus/official-sample-data/focus_1.0_sample_1000.csv}

# --- 1. the official sample ------------------------------------------------
if [ -r "$sample" ]; then
  db=$tmp/sample.db
  out=$($kt import focus "$sample" --db "sqlite:$db" -q 2>&1); rc=$?
  check "sample imports" '[ $rc = 0 ]'
  check "all 1000 rows stored" '[ "$(sqlite3 "$db" "SELECT count(*) FROM bill_rows")" = 1000 ]'
  check "import says 1000 rows" '[[ "$out" == *"imported 1000 rows"* ]]'
  # the 12 Azure Usage rows with negative costs are imported and reported, not dropped
  check "spec-breaking rows reported" '[[ "$out" == *"12 rows break the FOCUS spec"* ]]'
  win=2024-08-01T00:00:00Z,2024-11-01T00:00:00Z # holds every charge period whole
  for agg in provider service; do
    $kt cloudcost --db "$db" --window $win --aggregate $agg -o json >"$tmp/$agg.json"
    python3 - "$sample" "$tmp/$agg.json" $agg <<'PY' && ok "sample totals per $agg = the CSV's" || bad "sample totals per $agg"
import csv, json, sys
path, got, agg = sys.argv[1:]
names = {"AWS": "aws", "Microsoft": "azure", "Oracle": "oracle", "Google Cloud": "gcp"}
want = {}
for r in csv.DictReader(open(path, newline="")):
    k = names.get(r["ProviderName"], r["ProviderName"]) if agg == "provider" else r["ServiceName"]
    w = want.setdefault(k, [0.0, 0.0, 0.0, 0])
    w[0] += float(r["ListCost"]); w[1] += float(r["BilledCost"]); w[2] += float(r["EffectiveCost"]); w[3] += 1
cc = json.load(open(got))["data"]["sets"][0]["cloudCosts"]
assert set(cc) == set(want), (sorted(cc), sorted(want))
for k, (l, b, e, n) in want.items():
    for field, v in (("listCost", l), ("invoicedCost", b), ("amortizedNetCost", e)):
        g = cc[k][field]["cost"]
        assert abs(g - v) <= 1e-9 * max(1, abs(v)), (k, field, g, v)
print(f"  {len(want)} {agg} keys, {sum(w[3] for w in want.values())} rows")
PY
  done
  # re-importing the same file changes nothing
  a=$(sqlite3 "$db" "SELECT count(*), total(billed), total(effective) FROM bill_rows")
  $kt import focus "$sample" --db "sqlite:$db" -q >/dev/null 2>&1
  check "re-import changes nothing" '[ "$(sqlite3 "$db" "SELECT count(*), total(billed), total(effective) FROM bill_rows")" = "$a" ]'
else
  echo "skip: $sample absent (the sample is in ../shared/data)"
fi

# --- 2. a demo fleet reconciled to bills written here ----------------------
db=$tmp/demo.db
$kt demo --db "sqlite:$db" --days 3 --pods 80 -q >/dev/null || bad "demo"
day=$(python3 -c 'import time; print(int(time.time()) // 86400 * 86400 - 86400)') # yesterday: hourly rows kept
win="$day,$((day + 86400))"
aws=aws-prod-us-east-1 gcp=gcp-prod-europe-west1
estimates() { # cluster → "name provider_id estimate" per node for the day
  sqlite3 -separator ' ' "$db" "SELECT n.name, n.provider_id, sum(h.hours * h.hourly) FROM node_h h
    JOIN nodes n ON n.id = h.node_id JOIN clusters c ON c.id = n.cluster_id
    WHERE c.name = '$1' AND h.t >= $day AND h.t < $day + 86400 GROUP BY n.id ORDER BY n.name"
}
estimates $aws >"$tmp/aws.est"; estimates $gcp >"$tmp/gcp.est"
missing=$(tail -1 "$tmp/gcp.est" | cut -d' ' -f1)
alloc_json() { $kt allocation --db "$db" --window "$win" --aggregate "$1" --filter "cluster:\"$aws\"" -o json; }
alloc_json namespace >"$tmp/ns.before"; alloc_json label:team >"$tmp/team.before"
$kt allocation --db "$db" --window "$win" --aggregate label:team -o json >"$tmp/allteams.before"

mkdir -p "$tmp/bills" "$tmp/restated"
# write_bill OUT PROVIDER ESTFILE EFFECTIVE_FACTOR SKIP_LAST: 24 hourly rows per node, list = estimate/24
write_bill() {
  python3 - "$@" "$day" <<'PY'
import csv, sys, datetime as dt
out, provider, est, factor, skip_last, day = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), sys.argv[5] == "1", int(sys.argv[6])
rows = [l.split() for l in open(est)]
if skip_last: rows = rows[:-1]
iso = lambda t: dt.datetime.fromtimestamp(t, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
month = dt.datetime.fromtimestamp(day, dt.timezone.utc).replace(day=1, hour=0, minute=0, second=0)
cols = ["BillingAccountId", "SubAccountId", "ProviderName", "ServiceName", "ServiceCategory", "RegionId",
        "ResourceId", "ChargeCategory", "BillingCurrency", "BillingPeriodStart", "ChargePeriodStart",
        "ChargePeriodEnd", "ListCost", "BilledCost", "EffectiveCost", "Tags", "x_UsageType"]
with open(out, "w", newline="") as f:
    w = csv.writer(f); w.writerow(cols)
    for name, pid, e in rows:
        zone = pid.split("/")[-2]
        rid = (f"arn:aws:ec2:us-east-1:123456789012:instance/{name}" if provider == "AWS"
               else f"//compute.googleapis.com/projects/demo/zones/{zone}/instances/{name}")
        svc = "Amazon Elastic Compute Cloud" if provider == "AWS" else "Compute Engine"
        for h in range(24):
            l = float(e) / 24
            w.writerow(["acct-" + provider, "sub-" + provider, provider, svc, "Compute", "us-east-1", rid, "Usage",
                        "USD", month.strftime("%Y-%m-%dT%H:%M:%SZ"), iso(day + h * 3600), iso(day + h * 3600 + 3600),
                        repr(l), repr(l * 0.8), repr(l * factor), '{"team": "data"}', "BoxUsage"])
    if provider == "AWS":  # a database outside Kubernetes, tagged team=payments
        w.writerow(["acct-AWS", "sub-AWS", "AWS", "Amazon Relational Database Service", "Databases", "us-east-1",
                    "arn:aws:rds:us-east-1:123456789012:db:orders", "Usage", "USD", month.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    iso(day), iso(day + 86400), "48.0", "40.0", "36.0", '{"team": "payments"}', "RDS"])
PY
}
write_bill "$tmp/bills/aws.csv" AWS "$tmp/aws.est" 0.7 0
write_bill "$tmp/bills/gcp.csv" "Google Cloud" "$tmp/gcp.est" 0.9 1
gzip "$tmp/bills/gcp.csv" # one plain, one gzip
out=$($kt import focus "$tmp/bills" --db "sqlite:$db" -q 2>&1); rc=$?
check "demo bills import" '[ $rc = 0 ]' || echo "$out"

$kt assets --db "$db" --window "$win" -o json >"$tmp/assets.after"
python3 - "$tmp/assets.after" "$tmp/aws.est" "$tmp/gcp.est" <<'PY' && ok "node costs = 0.7 × list (AWS), 0.9 × list (GCP), missing node estimated" || bad "node costs after reconciliation"
import json, sys
assets = json.load(open(sys.argv[1]))["data"]
cost = {a["properties"]["name"]: a["totalCost"] for a in assets.values() if a["type"] == "Node"}
aws = [l.split() for l in open(sys.argv[2])]; gcp = [l.split() for l in open(sys.argv[3])]
want = {n: 0.7 * float(e) for n, _, e in aws}
want.update({n: 0.9 * float(e) for n, _, e in gcp[:-1]})
want[gcp[-1][0]] = float(gcp[-1][2])  # not on the bill: its estimate
for n, v in want.items():
    assert abs(cost[n] - v) <= 1e-9 * max(1, v), (n, cost[n], v)
print(f"  {len(want)} nodes checked")
PY
alloc_json namespace >"$tmp/ns.after"; alloc_json label:team >"$tmp/team.after"
ratio_check() { # every AWS node was billed at 0.7 × its estimate, so every CPU/RAM/GPU cost there is 0.7 × what it was
  python3 - "$1" "$2" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))["data"][0]; a = json.load(open(sys.argv[2]))["data"][0]
assert set(a) == set(b) and len(a) > 2
for k in b:
    cb = b[k]["cpuCost"] + b[k]["ramCost"] + b[k]["gpuCost"]; ca = a[k]["cpuCost"] + a[k]["ramCost"] + a[k]["gpuCost"]
    assert abs(ca - 0.7 * cb) <= 1e-9 * max(1, cb), (k, ca, cb)
    assert abs(a[k]["pvCost"] - b[k]["pvCost"]) <= 1e-9 and abs(a[k]["loadBalancerCost"] - b[k]["loadBalancerCost"]) <= 1e-9
print(f"  {len(b)} rows")
PY
}
ratio_check "$tmp/ns.before" "$tmp/ns.after" && ok "AWS namespaces: compute cost = 0.7 × before" || bad "AWS namespaces"
ratio_check "$tmp/team.before" "$tmp/team.after" && ok "AWS teams: compute cost = 0.7 × before" || bad "AWS teams"

$kt cloudcost --db "$db" --window "$win" --reconciliation >"$tmp/recon.txt"
check "missing node listed as not on the bill" 'grep -q "not on the bill" "$tmp/recon.txt" && grep -q "/node/$missing " "$tmp/recon.txt"'
check "reconciliation has both clusters" 'grep -q "^$aws " "$tmp/recon.txt" && grep -q "^$gcp " "$tmp/recon.txt"'
# team total = allocation + tagged cloud outside Kubernetes; the nodes' own rows (tagged team=data) are not added again
$kt allocation --db "$db" --window "$win" --aggregate label:team -o json >"$tmp/allteams.after"
$kt cloudcost --db "$db" --window "$win" --aggregate label:team -o csv >"$tmp/teams.csv"
python3 - "$tmp/allteams.after" "$tmp/teams.csv" <<'PY' && ok "team totals: allocation + tagged cloud outside Kubernetes, once" || bad "team totals"
import csv, json, sys
alloc = {k: v["totalCost"] for k, v in json.load(open(sys.argv[1]))["data"][0].items() if not k.startswith("__idle")}
rows = {r["name"]: r for r in csv.DictReader(open(sys.argv[2]))}
pay, data = rows["payments"], rows["data"]
assert abs(float(pay["total"]) - (alloc["payments"] + 36.0)) <= 1e-6, (pay, alloc["payments"])
assert abs(float(data["total"]) - alloc["data"]) <= 1e-6, (data, alloc["data"])  # its bill rows are the nodes
assert abs(float(data["kubernetesPercent"]) - 1) <= 1e-9
PY

# the API answers the CLI's bytes
$kt serve --db "sqlite:$db" --listen "127.0.0.1:0" 2>"$tmp/serve.log" &
pids+=($!)
# port 0: nothing can take a port picked earlier; --retry: a loaded machine
# may get 503 + Retry-After while the server's query slots are busy
port=$(serve_port "$tmp/serve.log" || echo 0)
curl() { command curl --retry 5 --retry-delay 1 "$@"; }
if wait_ready "http://127.0.0.1:$port/readyz"; then
  a=$(curl -s "http://127.0.0.1:$port/cloudCost?window=$win&aggregate=service" | md5sum)
  b=$($kt cloudcost --db "$db" --window "$win" --aggregate service -o json | md5sum)
  check "/cloudCost = cloudcost -o json" '[ "$a" = "$b" ]'
  # the tag-to-label mapping spelled out (bill tag team = Kubernetes label team) is the same answer
  a=$(curl -s "http://127.0.0.1:$port/cloudCost?window=$win&aggregate=label%3Ateam%3Dteam" | md5sum)
  b=$($kt cloudcost --db "$db" --window "$win" --aggregate label:team -o json | md5sum)
  check "/cloudCost label:team=team = cloudcost label:team" '[ "$a" = "$b" ]'
  check "/model/cloudCost too" 'curl -sf "http://127.0.0.1:$port/model/cloudCost?window=$win&aggregate=provider" | has "\"amortizedNetCost\""'
  check "/ui/cloud page" 'curl -sf "http://127.0.0.1:$port/ui/cloud?window=$win&aggregate=label:team" | has "Team total"'
  check "bad aggregate is 400" '[ "$(curl -s -o /dev/null -w "%{http_code}" "http://127.0.0.1:$port/cloudCost?window=1d&aggregate=bogus")" = 400 ]'
else
  bad "server did not become ready"; cat "$tmp/serve.log"
fi
unset -f curl

# a restated AWS bill (effective 0.6 × list) replaces the first one
write_bill "$tmp/restated/aws.csv" AWS "$tmp/aws.est" 0.6 0
rows_before=$(sqlite3 "$db" "SELECT count(*) FROM bill_rows")
$kt import focus "$tmp/restated/aws.csv" --db "sqlite:$db" -q >/dev/null 2>&1 || bad "restated import"
check "restated period replaces its rows" '[ "$(sqlite3 "$db" "SELECT count(*) FROM bill_rows")" = "$rows_before" ]'
$kt assets --db "$db" --window "$win" -o json >"$tmp/assets.restated"
python3 - "$tmp/assets.restated" "$tmp/aws.est" "$tmp/gcp.est" <<'PY' && ok "restated: AWS nodes 0.6 × list, GCP unchanged" || bad "restated bill"
import json, sys
assets = json.load(open(sys.argv[1]))["data"]
cost = {a["properties"]["name"]: a["totalCost"] for a in assets.values() if a["type"] == "Node"}
for n, _, e in (l.split() for l in open(sys.argv[2])):
    assert abs(cost[n] - 0.6 * float(e)) <= 1e-9 * max(1, float(e)), (n, cost[n])
for n, _, e in [l.split() for l in open(sys.argv[3])][:-1]:
    assert abs(cost[n] - 0.9 * float(e)) <= 1e-9 * max(1, float(e)), (n, cost[n])
PY

# --- 2b. days past hourly retention ----------------------------------------
# A 12-day demo fleet with the default retention (hourly rows for the last 3
# days, daily rows before) and an AWS bill covering the 10 days before
# today at 0.7 × list: every one of those days is reconciled, the 7 that
# only have daily rows too, and the AWS cluster's allocations follow.
old=$tmp/old.db
$kt demo --db "sqlite:$old" --days 12 --pods 80 -q >/dev/null || bad "demo 12 days"
today=$(python3 -c 'import time; print(int(time.time()) // 86400 * 86400)')
first=$((today - 10 * 86400)) win10="$first,$today"
check "days before the last 3 have no hourly rows" \
  '[ "$(sqlite3 "$old" "SELECT count(*) FROM node_h WHERE t < $today - 3 * 86400")" = 0 ] &&
   [ "$(sqlite3 "$old" "SELECT count(DISTINCT t) FROM node_d WHERE t >= $first AND t < $today")" = 10 ]'
sqlite3 -separator ' ' "$old" "SELECT n.name, n.provider_id, d.t, d.hours * d.hourly FROM node_d d
  JOIN nodes n ON n.id = d.node_id JOIN clusters c ON c.id = n.cluster_id
  WHERE c.name = '$aws' AND d.t >= $first AND d.t < $today ORDER BY d.t, n.name" >"$tmp/old.est"
$kt allocation --db "$old" --window "$win10" --aggregate namespace --filter "cluster:\"$aws\"" -o json >"$tmp/old.before"
mkdir -p "$tmp/oldbill"
python3 - "$tmp/old.est" "$tmp/oldbill/aws.csv" <<'PY'
import csv, sys, datetime as dt
iso = lambda t: dt.datetime.fromtimestamp(t, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
with open(sys.argv[2], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["BillingAccountId", "ProviderName", "ServiceName", "ServiceCategory", "ResourceId", "ChargeCategory",
                "BillingCurrency", "BillingPeriodStart", "ChargePeriodStart", "ChargePeriodEnd", "ListCost",
                "BilledCost", "EffectiveCost"])
    for name, pid, day, e in (l.split() for l in open(sys.argv[1])):
        day, e = int(day), float(e)
        month = dt.datetime.fromtimestamp(day, dt.timezone.utc).replace(day=1, hour=0, minute=0, second=0)
        w.writerow(["acct-old", "AWS", "Amazon Elastic Compute Cloud", "Compute", pid.split("/")[-1], "Usage", "USD",
                    month.strftime("%Y-%m-%dT%H:%M:%SZ"), iso(day), iso(day + 86400), repr(e), repr(e * 0.8),
                    repr(e * 0.7)])
PY
out=$($kt import focus "$tmp/oldbill" --db "sqlite:$old" -q 2>&1); rc=$?
check "10-day bill imports" '[ $rc = 0 ]' || echo "$out"
check "all 10 days recorded as reconciled" \
  '[ "$(sqlite3 "$old" "SELECT count(DISTINCT day) FROM bill_recon WHERE kind = 0")" = 10 ]'
for d in $(seq $first 86400 $((today - 86400))); do
  $kt assets --db "$old" --window "$d,$((d + 86400))" -o json
done >"$tmp/old.assets"
python3 - "$tmp/old.est" "$tmp/old.assets" <<'PY' && ok "every AWS node-day of the 10 = 0.7 × its estimate" || bad "AWS node-days past retention"
import json, sys
want = {}
for name, _, day, e in (l.split() for l in open(sys.argv[1])):
    want.setdefault(int(day), {})[name] = 0.7 * float(e)
dec = json.JSONDecoder(); text = open(sys.argv[2]).read(); pos = 0; days = sorted(want); i = 0
while pos < len(text.rstrip()):
    obj, pos = dec.raw_decode(text, pos); pos += len(text[pos:]) - len(text[pos:].lstrip())
    cost = {a["properties"]["name"]: a["totalCost"] for a in obj["data"].values() if a["type"] == "Node"}
    for n, v in want[days[i]].items():
        assert abs(cost[n] - v) <= 1e-9 * max(1, v), (days[i], n, cost[n], v)
    i += 1
assert i == 10, i
print(f"  {sum(len(v) for v in want.values())} node-days checked")
PY
$kt allocation --db "$old" --window "$win10" --aggregate namespace --filter "cluster:\"$aws\"" -o json >"$tmp/old.after"
ratio_check "$tmp/old.before" "$tmp/old.after" && ok "AWS namespaces over 10 days: compute cost = 0.7 × before" || bad "AWS namespaces over 10 days"
$kt allocation --db "$old" --window "$win10" --aggregate cluster --share-idle -o json >"$tmp/old.cl"
$kt assets --db "$old" --window "$win10" --aggregate cluster -o json >"$tmp/old.classets"
python3 - "$tmp/old.cl" "$tmp/old.classets" <<'PY' && ok "10 days: allocations + idle = assets per cluster (1e-9)" || bad "conservation over 10 days"
import json, sys
alloc = json.load(open(sys.argv[1]))["data"][0]; assets = json.load(open(sys.argv[2]))["data"]
a = sum(v["totalCost"] for v in alloc.values()); b = sum(v["totalCost"] for v in assets.values())
assert abs(a - b) <= 1e-9 * b, (a, b)
PY

# --- 3. hostile files: one line, exit 2, nothing changes --------------------
state() { sqlite3 "$db" "SELECT count(*), total(billed) FROM bill_rows; SELECT total(hours * hourly) FROM node_h; SELECT total(hourly) FROM node_d"; }
before=$(state)
hdr="BillingAccountId,ProviderName,ServiceName,ServiceCategory,ChargeCategory,BillingCurrency,BillingPeriodStart,ChargePeriodStart,ChargePeriodEnd,ListCost,BilledCost,EffectiveCost,ResourceId"
good="1,AWS,EC2,Compute,Usage,USD,2026-01-01T00:00:00Z,2026-01-01T00:00:00Z,2026-01-01T01:00:00Z"
hostile() { # name, expected substring, file content
  printf '%s\n' "$3" >"$tmp/h.csv"
  local out rc
  out=$($kt import focus "$tmp/h.csv" --db "sqlite:$db" -q 2>&1 >/dev/null); rc=$?
  if [ $rc = 2 ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] && [[ "$out" == *"$2"* ]] && [ "$(state)" = "$before" ]; then
    ok "hostile: $1"; else bad "hostile: $1 (exit $rc): $out"; fi
}
hostile "wrong type" "EffectiveCost 'twelve' is not a finite decimal" "$hdr
$good,1,1,twelve,i-1"
hostile "NaN cost" "BilledCost 'NaN' is not a finite decimal" "$hdr
$good,1,NaN,1,i-1"
hostile "negative against positive" "opposite signs" "$hdr
$good,10,-5,10,i-1"
hostile "missing mandatory columns" "mandatory columns" "BillingAccountId,BilledCost
1,2"
hostile "bad date" "ChargePeriodStart" "$hdr
1,AWS,EC2,Compute,Usage,USD,2026-01-01T00:00:00Z,01/01/2026,2026-01-01T01:00:00Z,1,1,1,i-1"
# a 2 GB line: a sparse file, so it costs no disk; the reader stops at its 1 MiB bound
printf '%s\n%s,1,1,1,"' "$hdr" "$good" >"$tmp/big.csv"
truncate -s 2G "$tmp/big.csv"
out=$($kt import focus "$tmp/big.csv" --db "sqlite:$db" -q 2>&1 >/dev/null); rc=$?
check "hostile: 2 GB line refused, nothing changed" '[ $rc = 2 ] && [[ "$out" == *"longer than 1 MiB"* ]] && [ "$(state)" = "$before" ]' || echo "$out"
rm -f "$tmp/big.csv"
# imports into an empty table or replacing big periods build bill_rows' indexes at their end; refused ones roll back
check "bill_rows keeps its 4 indexes" \
  '[ "$(sqlite3 "$db" "SELECT count(*) FROM sqlite_master WHERE type = '"'index'"' AND tbl_name = '"'bill_rows'"'")" = 4 ]'
$kt import focus "$tmp/h.csv" --db "sqlite:$tmp/fresh.db" -q >/dev/null 2>&1 # refused, into an empty table
check "a refused first import leaves the indexes" \
  '[ "$(sqlite3 "$tmp/fresh.db" "SELECT count(*) FROM sqlite_master WHERE type = '"'index'"' AND tbl_name = '"'bill_rows'"'")" = 4 ]'
out=$($kt import focus "$tmp/bills" --db "sqlite:$db" --cost-metric Blended 2>&1); rc=$?
check "bad --cost-metric" '[ $rc = 2 ] && [[ "$out" == *"use EffectiveCost"* ]]'

out=$($kt db retention --db "sqlite:$db" --hourly-days 35)
check "db retention sets hourly days" '[[ "$out" == "hourly rows kept 35 days, daily rows 1095 days" ]]'
out=$($kt db retention --db "sqlite:$db" --hourly-days 0 2>&1); rc=$?
check "db retention refuses 0 days" '[ $rc = 2 ] && [[ "$out" == *"--hourly-days"* ]]'

echo "focus: $fails failed"
exit $((fails > 0))
