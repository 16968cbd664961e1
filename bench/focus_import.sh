#!/usr/bin/env bash
# focus_import.sh — issue 16's benchmark: a generated FOCUS export of
# ROWS rows (default 5,000,000, about 2 GB of CSV) over the last 30 days.
#
#   bench/focus_import.sh [ROWS]
#
# The file: ROWS / 720 resources, each billed hourly for 30 days (720
# rows), across 3 providers, 10 sub-accounts, 20 services, 3 regions and
# tags {"team": one of 20, "env": one of 3}; every row carries the columns a
# real AWS/Azure/GCP export does (25 FOCUS and x_ columns, ~400 bytes).
#
# Measures, once (no CI run: it needs ~2 GB of disk and a few minutes):
#   1. `kubetally import focus FILE`: wall time and peak RSS (bounded: the
#      reader holds one row; the store commits one transaction)
#   2. `kubetally cloudcost --window 30d --aggregate service` and
#      `--aggregate label:team`: wall time (best of 3)
#   3. re-importing the same file (the period replaces itself): wall time
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-5000000}
make -s >/dev/null
kt=$PWD/build/kubetally
tmp=$(mktemp -d /tmp/kt-focus-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
end=$(( $(date +%s) / 86400 * 86400 ))
start=$(( end - 30 * 86400 ))

s=$(date +%s.%N)
awk -v rows="$rows" -v start="$start" 'BEGIN {
  srand(7)
  split("aws gcp azure", prov, " "); split("AWS|Google Cloud|Microsoft", pname, "|")
  for (i = 1; i <= 20; i++) { svc[i] = sprintf("Service %02d", i); cat[i] = (i % 4 == 0) ? "Storage" : (i % 4 == 1) ? "Compute" : (i % 4 == 2) ? "Databases" : "Networking" }
  split("us-east-1 europe-west1 westeurope", reg, " "); split("prod staging dev", envs, " ")
  print "BillingAccountId,SubAccountId,ProviderName,ServiceName,ServiceCategory,RegionId,ResourceId,ResourceType,ChargeCategory,ChargeClass,BillingCurrency,BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,ListCost,BilledCost,EffectiveCost,ContractedCost,PricingQuantity,PricingUnit,SkuId,ChargeDescription,Tags,x_UsageType"
  nres = int(rows / 720); if (nres < 1) nres = 1
  n = 0
  for (h = 0; h < 720 && n < rows; h++) {
    t = start + h * 3600
    cps = strftime("%Y-%m-%dT%H:%M:%SZ", t, 1); cpe = strftime("%Y-%m-%dT%H:%M:%SZ", t + 3600, 1)
    bps = strftime("%Y-%m-01T00:00:00Z", t, 1)
    for (r = 0; r < nres && n < rows; r++) {
      p = r % 3 + 1; s = r % 20 + 1; a = r % 10
      list = 0.05 + (r % 97) * 0.013
      printf "acct-%d,sub-%d-%d,%s,%s,%s,%s,arn:%s:resource:%s:1234567890:instance/res-%07d,instance,Usage,,USD,%s,,%s,%s,%.10f,%.10f,%.10f,%.10f,1,Hours,SKU%05d,%s usage of res-%07d in %s (on-demand hourly rate),\"{\"\"team\"\": \"\"team-%02d\"\", \"\"env\"\": \"\"%s\"\"}\",BoxUsage:%d\n", \
        p, p, a, pname[p], svc[s], cat[s], reg[p], prov[p], reg[p], r, bps, cps, cpe, list, list * 0.85, list * 0.7, list * 0.85, s * 100 + a, svc[s], r, reg[p], r % 20, envs[r % 3 + 1], r % 50
      n++
    }
  }
}' > "$tmp/bill.csv"
gen=$(echo "$(date +%s.%N) - $s" | bc)
size=$(stat -c %s "$tmp/bill.csv")
echo "generated $(($(wc -l < "$tmp/bill.csv") - 1)) rows, $((size / 1048576)) MiB in ${gen%.*} s"

db=$tmp/kt.db
/usr/bin/time -f "%e %M %U %S" -o "$tmp/time" $kt import focus "$tmp/bill.csv" --db "sqlite:$db" -q > "$tmp/import.out"
read -r secs kib usr sys < "$tmp/time"
cat "$tmp/import.out"
echo "import: $secs s wall ($usr s user + $sys s system CPU; load average $(cut -d' ' -f1 /proc/loadavg)), peak RSS $((kib / 1024)) MiB, $(echo "$rows / $secs" | bc) rows/s; store $(( $(stat -c %s "$db") / 1048576 )) MiB"

best() { # best of 3 wall times of a command
  local b=999999
  for _ in 1 2 3; do
    local t0 t1; t0=$(date +%s%N); "$@" >/dev/null; t1=$(date +%s%N)
    local ms=$(( (t1 - t0) / 1000000 )); [ $ms -lt $b ] && b=$ms
  done
  echo $b
}
echo "cloudcost --window 30d --aggregate service: $(best $kt cloudcost --db "$db" --window 30d --aggregate service) ms"
echo "cloudcost --window 30d --aggregate label:team: $(best $kt cloudcost --db "$db" --window 30d --aggregate label:team) ms"
/usr/bin/time -f "%e %M %U %S" -o "$tmp/time2" $kt import focus "$tmp/bill.csv" --db "sqlite:$db" -q > /dev/null
read -r secs2 kib2 usr2 sys2 < "$tmp/time2"
echo "re-import (replaces its periods): $secs2 s wall ($usr2 s user + $sys2 s system), peak RSS $((kib2 / 1024)) MiB, rows now $(sqlite3 "$db" 'SELECT count(*) FROM bill_rows')"
