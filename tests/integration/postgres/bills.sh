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
$kt demo --db "sqlite:$bq" --days 3 --pods 80 -q >/dev/null || bad "demo on SQLite (bills)"
$kt demo --db "$base/bills" --days 3 --pods 80 -q >/dev/null || bad "demo on PostgreSQL (bills)"
bday=$(python3 -c 'import time; print(int(time.time()) // 86400 * 86400 - 86400)')
bwin="$bday,$((bday + 86400))"
bill_for() { # out provider cluster factor skip_last
  sqlite3 -separator ' ' "$bq" "SELECT n.name, n.provider_id, sum(h.hours * h.hourly) FROM node_h h
    JOIN nodes n ON n.id = h.node_id JOIN clusters c ON c.id = n.cluster_id
    WHERE c.name = '$3' AND h.t >= $bday AND h.t < $bday + 86400 GROUP BY n.id ORDER BY n.name" >"$tmp/$3.est"
  python3 - "$1" "$2" "$tmp/$3.est" "$4" "$5" "$bday" <<'PY'
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
# the hand-checked part, on PostgreSQL: every AWS node billed at 0.7 × its estimate; the GCP node left
# off the bill keeps its estimate
$kt assets --db "$base/bills" --window "$bwin" -o json >"$tmp/pa.json"
python3 - "$tmp/pa.json" "$tmp/aws-prod-us-east-1.est" "$tmp/gcp-prod-europe-west1.est" <<'PY' &&
import json, sys
cost = {a["properties"]["name"]: a["totalCost"] for a in json.load(open(sys.argv[1]))["data"].values() if a["type"] == "Node"}
aws = [l.split() for l in open(sys.argv[2])]; gcp = [l.split() for l in open(sys.argv[3])]
want = {n: 0.7 * float(e) for n, _, e in aws}
want.update({n: 0.9 * float(e) for n, _, e in gcp[:-1]})
want[gcp[-1][0]] = float(gcp[-1][2])
for n, v in want.items():
    assert abs(cost[n] - v) <= 1e-9 * max(1, v), (n, cost[n], v)
print(f"  {len(want)} nodes")
PY
  ok "bills on PostgreSQL: node costs = 0.7 × estimate (AWS), 0.9 × (GCP), the unbilled node estimated" ||
  bad "bills on PostgreSQL: node costs after reconciliation"
bimport "same bill again"
n=$(PG_DB=bills pg_sql "SELECT count(*) FROM bill_rows"); ns=$(sqlite3 "$bq" "SELECT count(*) FROM bill_rows")
[ "$n" = "$ns" ] && [ "$n" -gt 24 ] && ok "bills: re-import keeps $n rows on both (not doubled)" || bad "bills: rows $n vs $ns"
bill_for "$tmp/bills/aws.csv" AWS aws-prod-us-east-1 0.5 0 # restated: the period is replaced
bimport "restated"
bsame "cloudcost by provider, restated" cloudcost --window "$bwin" --aggregate provider
bsame "assets, restated" assets --window "$bwin"
bsame "allocation by namespace, restated" allocation --window "$bwin" --aggregate label:team
expect_err "agent role cannot import bills" "fleet-wide" $kt import focus "$tmp/bills" --db "$AU" -q
