# bills.sh — FOCUS bills on both backends, sourced by run.sh (uses kt, tmp,
# base, AU, same, expect_err).  The demo fleet is written to
# a fresh SQLite file and a fresh PostgreSQL database; a bill for
# yesterday is written from the SQLite nodes' estimates, the way
# tests/integration/focus/run.sh does (AWS: effective = 0.7 × list; GCP:
# 0.9 × list with one node left off; an RDS row outside Kubernetes), and
# imported into both.  Then cloudcost (by provider, by service, the
# reconciliation report), assets and allocation give the same JSON to
# 1e-9, a restated bill (AWS at 0.5) likewise, and an agent's role is
# refused.  The hand-checked numbers of reconciliation itself are
# focus/run.sh's; here the claim is sameness across backends.
bq=$tmp/bills.db
pg_sql "CREATE DATABASE bills" >/dev/null || bad "create database bills"
$kt demo --db "sqlite:$bq" --days 5 --pods 80 -q >/dev/null || bad "demo on SQLite (bills)"
$kt demo --db "$base/bills" --days 5 --pods 80 -q >/dev/null || bad "demo on PostgreSQL (bills)"
bday=$(python3 -c 'import time; print(int(time.time()) // 86400 * 86400 - 86400)')
bwin="$bday,$((bday + 86400))"
pday=$((bday - 4 * 86400)) pwin="$((bday - 4 * 86400)),$((bday - 3 * 86400))"
[ "$(sqlite3 "$bq" "SELECT count(*) FROM node_h WHERE t < $pday + 86400") $(PG_DB=bills pg_sql "SELECT count(*)
  FROM node_h WHERE t < $pday + 86400")" = "0 0" ] && [ "$(sqlite3 "$bq" "SELECT count(*) > 0 FROM node_d WHERE
  t = $pday")" = 1 ] || bad "bills: the oldest demo day should have daily rows only"
bill_for() { # out provider cluster factor skip_last [day]: the day's estimates from hourly or daily rows
  local day=${6:-$bday}
  sqlite3 -separator ' ' "$bq" "SELECT n.name, n.provider_id, sum(x.c) FROM (SELECT node_id, hours * hourly c
    FROM node_h WHERE t >= $day AND t < $day + 86400 UNION ALL SELECT node_id, hours * hourly FROM node_d
    WHERE t = $day AND NOT EXISTS (SELECT 1 FROM node_h WHERE t >= $day AND t < $day + 86400)) x
    JOIN nodes n ON n.id = x.node_id JOIN clusters c ON c.id = n.cluster_id
    WHERE c.name = '$3' GROUP BY n.id ORDER BY n.name" >"$tmp/$3.$day.est"
  python3 - "$1" "$2" "$tmp/$3.$day.est" "$4" "$5" "$day" <<'PY'
import csv, sys, datetime as dt
out, provider, est, factor, skip, day = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), sys.argv[5] == "1", int(sys.argv[6])
rows = [l.split() for l in open(est)][: -1 if skip else None]
iso = lambda t: dt.datetime.fromtimestamp(t, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
month = iso(dt.datetime.fromtimestamp(day, dt.timezone.utc).replace(day=1, hour=0).timestamp())
with open(out, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["BillingAccountId", "SubAccountId", "ProviderName", "ServiceName", "ServiceCategory", "RegionId",
                "ResourceId", "ChargeCategory", "BillingCurrency", "BillingPeriodStart", "ChargePeriodStart",
                "ChargePeriodEnd", "ListCost", "BilledCost", "EffectiveCost", "Tags"])
    for name, pid, e in rows:
        zone = pid.split("/")[-2]
        rid = (f"arn:aws:ec2:us-east-1:123456789012:instance/{name}" if provider == "AWS"
               else f"//compute.googleapis.com/projects/demo/zones/{zone}/instances/{name}")
        for h in range(24):
            l = float(e) / 24
            w.writerow(["acct-" + provider, "sub", provider, "Compute", "Compute", "us-east-1", rid, "Usage", "USD",
                        month, iso(day + h * 3600), iso(day + h * 3600 + 3600), repr(l), repr(l * 0.8),
                        repr(l * factor), '{"team": "data"}'])
    if provider == "AWS":
        w.writerow(["acct-AWS", "sub", "AWS", "RDS", "Databases", "us-east-1", "db:orders", "Usage", "USD", month,
                    iso(day), iso(day + 86400), "48.0", "40.0", "36.0", '{"team": "payments"}'])
PY
}
mkdir -p "$tmp/bills"
bill_for "$tmp/bills/aws.csv" AWS aws-prod-us-east-1 0.7 0
bill_for "$tmp/bills/gcp.csv" "Google Cloud" gcp-prod-europe-west1 0.9 1
bill_for "$tmp/bills/aws-past.csv" AWS aws-prod-us-east-1 0.6 0 "$pday"
bill_for "$tmp/bills/gcp-past.csv" "Google Cloud" gcp-prod-europe-west1 0.8 1 "$pday"
# same() of run.sh on these two: the bills databases
bsame() { local name=$1; shift; local sq=$bq same_db=bills; same "bills: $name" "$@"; }
bimport() { # label
  local a b
  a=$($kt import focus "$tmp/bills" --db "sqlite:$bq" -q 2>&1 | grep -v '^imported') &&
  b=$($kt import focus "$tmp/bills" --db "$base/bills" -q 2>&1 | grep -v '^imported') &&
  [ "$a" = "$b" ] && printf '%s\n' "$a" | grep -q '^reconciled [1-9]' &&
    ok "bills: $1 imports on both, same report: $(printf '%s' "$a" | grep reconciled | cut -c1-60)…" ||
    bad "bills: $1 import reports differ: [$a] vs [$b]"
}
bimport "first"
bsame "cloudcost by provider" cloudcost --window "$bwin" --aggregate provider
bsame "cloudcost by service" cloudcost --window "$bwin" --aggregate service
bsame "cloudcost reconciliation" cloudcost --window "$bwin" --reconciliation
bsame "assets after reconciliation" assets --window "$bwin"
bsame "allocation by namespace after reconciliation" allocation --window "$bwin" --aggregate namespace
# the hand-checked part, on PostgreSQL: every AWS node billed at FACTOR × its estimate; the GCP node left
# off the bill keeps its estimate
node_costs() { # label window aws-factor gcp-factor day
  $kt assets --db "$base/bills" --window "$2" -o json >"$tmp/pa.json"
  python3 - "$tmp/pa.json" "$tmp/aws-prod-us-east-1.$5.est" "$tmp/gcp-prod-europe-west1.$5.est" "$3" "$4" <<'PY' &&
import json, sys
cost = {a["properties"]["name"]: a["totalCost"] for a in json.load(open(sys.argv[1]))["data"].values() if a["type"] == "Node"}
aws = [l.split() for l in open(sys.argv[2])]; gcp = [l.split() for l in open(sys.argv[3])]
fa, fg = float(sys.argv[4]), float(sys.argv[5])
want = {n: fa * float(e) for n, _, e in aws}
want.update({n: fg * float(e) for n, _, e in gcp[:-1]})
want[gcp[-1][0]] = float(gcp[-1][2])
for n, v in want.items():
    assert abs(cost[n] - v) <= 1e-9 * max(1, v), (n, cost[n], v)
print(f"  {len(want)} nodes")
PY
    ok "bills on PostgreSQL, $1: node costs = $3 × estimate (AWS), $4 × (GCP), the unbilled node estimated" ||
    bad "bills on PostgreSQL, $1: node costs after reconciliation"
}
node_costs yesterday "$bwin" 0.7 0.9 "$bday"
# the oldest day, past hourly retention: its daily rows rescaled and re-shared on both backends alike
node_costs "a day past hourly retention" "$pwin" 0.6 0.8 "$pday"
bsame "assets, a day past hourly retention" assets --window "$pwin"
bsame "allocation by namespace, a day past hourly retention" allocation --window "$pwin" --aggregate namespace
bsame "allocation by pod, idle shared, a day past hourly retention" allocation --window "$pwin" --aggregate pod \
  --share-idle
bsame "cloudcost reconciliation, a day past hourly retention" cloudcost --window "$pwin" --reconciliation
conserved bills "$pwin" && ok "bills: Σ allocations = Σ assets on PostgreSQL for the day past hourly retention" ||
  bad "bills: conservation on the day past hourly retention"
bimport "same bill again"
n=$(PG_DB=bills pg_sql "SELECT count(*) FROM bill_rows"); ns=$(sqlite3 "$bq" "SELECT count(*) FROM bill_rows")
[ "$n" = "$ns" ] && [ "$n" -gt 24 ] && ok "bills: re-import keeps $n rows on both (not doubled)" || bad "bills: rows $n vs $ns"
bill_for "$tmp/bills/aws.csv" AWS aws-prod-us-east-1 0.5 0 # restated: the period is replaced
bimport "restated"
bsame "cloudcost by provider, restated" cloudcost --window "$bwin" --aggregate provider
bsame "assets, restated" assets --window "$bwin"
bsame "allocation by namespace, restated" allocation --window "$bwin" --aggregate label:team
bsame "allocation by namespace, idle shared, a day past hourly retention, after the restatement" allocation \
  --window "$pwin" --aggregate namespace --share-idle
expect_err "agent role cannot import bills" "fleet-wide" $kt import focus "$tmp/bills" --db "$AU" -q
