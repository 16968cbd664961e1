#!/usr/bin/env bash
# tests/integration/pricing/run.sh — `kubetally prices` end to end:
#  1. a ~300 MB AWS bulk offer file, generated on the fly into /tmp (products
#     for every OS/tenancy like the real file, plus OnDemand and Reserved
#     terms), imported with peak RSS measured by /usr/bin/time -v: it must
#     stay far below the file size (bounded memory);
#  2. one instance type as JSON, before and after the import;
#  3. a file:// URL import, and --refresh failing clearly without a network;
#  4. reprice on a demo store with a sheet: node-hours change source.
# Usage: tests/integration/pricing/run.sh [SIZE_MB]   (KUBETALLY_BIN overrides the binary)
set -euo pipefail
cd "$(dirname "$0")/../../.."
BIN=${KUBETALLY_BIN:-build/kubetally}
[ -x /usr/bin/time ] || { echo "installing GNU time (Debian package)"; apt-get install -y time >/dev/null || exit 1; }
SIZE_MB=${1:-300}
TMP=$(mktemp -d /tmp/kt-pricing-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
pass=0 fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }

# 1. Generate the offer file streamed (awk writes it; nothing holds it in memory).
OFFER=$TMP/offer.json
awk -v target=$((SIZE_MB * 1024 * 1024)) 'BEGIN {
  printf "{\"formatVersion\":\"v1.0\",\"offerCode\":\"AmazonEC2\",\"publicationDate\":\"2026-01-01T00:00:00Z\",\"products\":{";
  split("Linux Windows RHEL SUSE", os, " "); split("Shared Dedicated Host", ten, " ");
  n = 0; bytes = 0; per = 780;    # ~bytes per product and its terms
  total = int(target / per);
  for (i = 0; i < total; i++) {
    o = os[i % 4 + 1]; t = ten[int(i / 4) % 3 + 1];
    printf "%s\"SKU%09d\":{\"sku\":\"SKU%09d\",\"productFamily\":\"Compute Instance\",\"attributes\":{\"instanceType\":\"gen%d.size%d\",\"regionCode\":\"us-east-1\",\"vcpu\":\"%d\",\"memory\":\"%d GiB\",\"operatingSystem\":\"%s\",\"tenancy\":\"%s\",\"preInstalledSw\":\"NA\",\"capacitystatus\":\"Used\",\"licenseModel\":\"No License required\",\"physicalProcessor\":\"Intel Xeon Platinum 8175 (Skylake)\",\"networkPerformance\":\"Up to 10 Gigabit\"}}", (i ? "," : ""), i, i, int(i / 12), i % 1000, 2 + i % 8, 8 + i % 32, o, t;
  }
  printf "},\"terms\":{\"OnDemand\":{";
  for (i = 0; i < total; i++)
    printf "%s\"SKU%09d\":{\"SKU%09d.JRTCKXETXF\":{\"offerTermCode\":\"JRTCKXETXF\",\"sku\":\"SKU%09d\",\"effectiveDate\":\"2026-01-01T00:00:00Z\",\"priceDimensions\":{\"SKU%09d.JRTCKXETXF.6YS6EN2CT7\":{\"unit\":\"Hrs\",\"endRange\":\"Inf\",\"description\":\"$%.4f per On Demand hour\",\"appliesTo\":[],\"rateCode\":\"SKU%09d.JRTCKXETXF.6YS6EN2CT7\",\"beginRange\":\"0\",\"pricePerUnit\":{\"USD\":\"%.10f\"}}},\"termAttributes\":{}}}", (i ? "," : ""), i, i, i, i, 0.01 + i % 997 / 100.0, i, 0.01 + i % 997 / 100.0;
  printf "},\"Reserved\":{\"SKU000000000\":{\"SKU000000000.4NA7Y494T4\":{\"priceDimensions\":{}}}}}}\n";
}' > "$OFFER"
FILE_MB=$(( $(stat -c %s "$OFFER") / 1024 / 1024 ))
/usr/bin/time -v "$BIN" prices import aws "$OFFER" --prices-dir "$TMP/prices" >"$TMP/out" 2>"$TMP/time" || { cat "$TMP/out" "$TMP/time"; bad "import ${FILE_MB} MB offer"; }
RSS_MB=$(( $(awk -F: '/Maximum resident/ {print $2}' "$TMP/time") / 1024 ))
SECS=$(awk -F': ' '/Elapsed/ {print $2}' "$TMP/time")
echo "     offer file ${FILE_MB} MB imported in ${SECS} (m:ss), peak RSS ${RSS_MB} MB: $(cat "$TMP/out")"
if [ "$RSS_MB" -lt $((FILE_MB / 4)) ] && [ "$RSS_MB" -lt 100 ]; then ok "bounded memory: ${RSS_MB} MB RSS for a ${FILE_MB} MB file"; else bad "memory ${RSS_MB} MB for ${FILE_MB} MB"; fi
# Linux + Shared are 1 in 12 products: gen0.size0 is SKU 0 → 0.01 $/h.
J=$("$BIN" prices --prices-dir "$TMP/prices" --provider aws --region us-east-1 --instance-type gen0.size0 -o json)
[[ $J == *'"hourly":0.01,'*'"source":"price-list"'* ]] && ok "imported type priced from the list" || bad "imported type: $J"

# 2. The catalog without any list: m5.xlarge us-east-1 $0.192.
J=$("$BIN" prices --prices-dir "$TMP/none" --provider aws --region us-east-1 --instance-type m5.xlarge -o json)
[[ $J == '{"provider":"aws","region":"us-east-1","instanceType":"m5.xlarge","hourly":0.192,'*'"source":"catalog","currency":"USD"}' ]] \
  && ok "catalog m5.xlarge" || bad "catalog: $J"

# 3. file:// URL; --refresh with no network names the URL and keeps the list.
"$BIN" prices import azure "file://$PWD/tests/fixtures/pricing/azure_retail.json" --prices-dir "$TMP/prices" >/dev/null \
  && ok "file:// import" || bad "file:// import"
if OUT=$(https_proxy=http://127.0.0.1:9 "$BIN" prices import aws --refresh --region eu-west-1 --prices-dir "$TMP/prices" 2>&1); then
  bad "refresh should fail offline"
else
  [[ $OUT == *"cannot download https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/eu-west-1/index.json"* ]] \
    && ok "refresh offline names the URL" || bad "refresh message: $OUT"
fi
J=$("$BIN" prices --prices-dir "$TMP/prices" --provider aws --region us-east-1 --instance-type gen0.size0 -o json)
[[ $J == *'"source":"price-list"'* ]] && ok "failed refresh kept the list" || bad "list lost: $J"

# 4. Reprice a demo store with a sheet pricing every m5 node at a flat rate.
DB=$TMP/demo.db
"$BIN" demo --db "sqlite:$DB" --days 2 --pods 40 -q >/dev/null
printf 'EndTimestamp,InstanceID,Region,AssetClass,InstanceIDField,InstanceType,MarketPriceHourly,Version\nx,,,node,,m5.2xlarge,1.0,\n' > "$TMP/sheet.csv"
OUT=$("$BIN" reprice --db "sqlite:$DB" --window 3d --pricing "$TMP/sheet.csv" --prices-dir "$TMP/none")
echo "     $OUT"
[[ $OUT == *"repriced"* ]] && ok "reprice ran" || bad "reprice: $OUT"
UNP=$("$BIN" prices --db "sqlite:$DB" --window 3d --unpriced --prices-dir "$TMP/none" | tail -1)
echo "     $UNP"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
