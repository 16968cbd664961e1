#!/usr/bin/env bash
# Savings end to end on the demo fleet: the API answers exactly what the CLI
# prints (requestSizingV2 with Kubecost's parameters, /savings), bad
# parameters are a 400 / exit 2 naming the parameter, /metrics carries the
# savings series (and passes promtool when installed), the Savings page
# renders with sortable columns and patches to copy, and --patch prints
# kubectl commands.  Starts everything on loopback, stops what it started.
set -uo pipefail
cd "$(dirname "$0")/../../.."
root=$PWD
kt=${KT_BIN:-$root/build/kubetally}
[ -x "$kt" ] || make >/dev/null || exit 1
. "$root/tests/integration/lib.sh"

db=$tmp/s.db
"$kt" demo --db "sqlite:$db" --days 3 --pods 200 -q >/dev/null || { bad "demo"; exit 1; }
"$kt" serve --db "sqlite:$db" --listen "127.0.0.1:0" 2>"$tmp/serve.log" &
pids+=("$!")
port=$(serve_port "$tmp/serve.log") || { bad "serve never said its port"; cat "$tmp/serve.log"; exit 1; }
base=http://127.0.0.1:$port
wait_ready "$base/readyz" || { bad "server did not become ready"; cat "$tmp/serve.log"; exit 1; }
ok "serve ready on $base"

# --- API = CLI, byte for byte
same() { # name, API path+query, CLI args…
  local name=$1 url=$2; shift 2
  if cmp -s <(curl -s "$base$url") <("$kt" "$@" --db "sqlite:$db"); then ok "$name: API = CLI"
  else bad "$name: API and CLI differ"; fi
}
same "requestSizingV2 defaults" "/savings/requestSizingV2?window=3d" savings requests --window 3d -o json
same "requestSizingV2 quantile" \
  "/savings/requestSizingV2?window=3d&algorithmCPU=quantile&qCPU=0.9&algorithmRAM=max&targetCPUUtilization=0.8&minRecRAMBytes=10485760&sortBy=cpuLatest&sortByOrder=ascending" \
  savings requests --window 3d --algorithmCPU quantile --qCPU 0.9 --algorithmRAM max --targetCPUUtilization 0.8 \
  --minRecRAMBytes 10485760 --sortBy cpuLatest --sortByOrder ascending -o json
same "requestSizingV2 filter" "/model/savings/requestSizingV2?window=3d&filter=namespace%3A%22payments-prod%22" \
  savings requests --window 3d --filter 'namespace:"payments-prod"' -o json
same "/savings summary" "/savings?window=3d" savings --window 3d -o json
same "persistentVolumeSizing" "/savings/persistentVolumeSizing?window=3d&headroomPct=25" \
  savings volumes --window 3d --headroom-pct 25 -o json
same "abandonedWorkloads" "/model/savings/abandonedWorkloads?days=2&threshold=800&cpuThreshold=0.05" \
  savings abandoned --days 2 --threshold 800 --cpu-threshold 0.05 -o json
# the demo fleet has no claim usage (that comes from collect --kubelet-stats): nothing to size, said so
check "persistentVolumeSizing: Kubecost's list, empty without kubelet stats" \
  "curl -s '$base/model/savings/persistentVolumeSizing?window=3d' | jq -e '.recommendations == [] and .headroomPct == 10' >/dev/null"

# --- Kubecost's fields, on every element
body=$(curl -s "$base/savings/requestSizingV2?window=3d")
check "array with Kubecost's fields" "jq -e 'length > 0 and all(.[]; has(\"clusterID\") and has(\"namespace\") and has(\"controllerKind\") and has(\"controllerName\") and has(\"containerName\") and (.recommendedRequest.cpu|test(\"^[0-9]+m$\")) and (.recommendedRequest.memory|type==\"string\") and (.latestKnownRequest.cpu|type==\"string\") and (.monthlySavings.cpu|type==\"number\") and (.monthlySavings.memory|type==\"number\") and (.currentEfficiency|has(\"cpu\") and has(\"memory\") and has(\"total\")) and (.risk.cpu >= 0 and .risk.cpu <= 1))' <<<'$body' >/dev/null"
check "floors hold (10m, 20Mi)" "jq -e 'all(.[]; (.recommendedRequest.cpu|rtrimstr(\"m\")|tonumber) >= 10)' <<<'$body' >/dev/null"
top=$(curl -s "$base/savings/requestSizingV2/topline?window=3d")
check "topline: positive savings and the count" "jq -e --argjson b '$body' '.Count == (\$b|length) and (.TotalMonthlySavings - ([\$b[] | (.monthlySavings.cpu + .monthlySavings.memory) | select(. > 0)] | add) | fabs) < 1e-6 and .Recommendations == null' <<<'$top' >/dev/null"
sum=$(curl -s "$base/savings?window=3d")
check "summary: kinds add up to the total" "jq -e '.data | ([.byKind[].monthlySavings] | add) - .totalMonthlySavings | fabs < 1e-6' <<<'$sum' >/dev/null"
check "summary: clusters add up to the total" "jq -e '.data | ([.byCluster[].monthlySavings] | add) - .totalMonthlySavings | fabs < 1e-6' <<<'$sum' >/dev/null"

# --- bad parameters: 400 naming it; the CLI exits 2 with one line
expect_400() {
  local out code
  out=$(curl -s -w '\n%{http_code}' "$base/savings/requestSizingV2?$1")
  code=$(tail -1 <<<"$out")
  if [[ $code == 400 ]] && jq -e --arg p "$2" '.message | startswith($p)' <<<"$(head -n -1 <<<"$out")" >/dev/null; then
    ok "400 for $1"; else bad "expected 400 naming $2 for $1, got $code"; fi
}
for q in "days=2.5" "days=2&window=7d" "threshold=-1" "cpuThreshold=x"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$base/savings/abandonedWorkloads?$q")
  [ "$code" = 400 ] && ok "abandonedWorkloads: 400 for $q" || bad "abandonedWorkloads?$q gave $code"
done
code=$(curl -s -o /dev/null -w '%{http_code}' "$base/savings/persistentVolumeSizing?headroomPct=-5")
[ "$code" = 400 ] && ok "400 for headroomPct=-5" || bad "headroomPct=-5 gave $code"
expect_400 "window=3d&algorithmCPU=median" algorithmCPU
expect_400 "window=3d&qCPU=0" qCPU
expect_400 "window=3d&targetRAMUtilization=1.5" targetRAMUtilization
expect_400 "window=3d&minRecCPUMillicores=-1" minRecCPUMillicores
expect_400 "window=3d&sortBy=name" sortBy
expect_400 "window=3d&filter=namespace%3Dx" filter
expect_400 "window=3x" window
expect_400 "window=3d&bogus=1" bogus
"$kt" savings requests --db "sqlite:$db" --qRAM 7 >"$tmp/o" 2>"$tmp/e"; rc=$?
check "CLI: bad qRAM exits 2 naming it" "[ $rc = 2 ] && grep -q 'qRAM' '$tmp/e' && [ \$(wc -l <'$tmp/e') = 1 ]"
"$kt" savings bogus --db "sqlite:$db" >"$tmp/o" 2>"$tmp/e"; rc=$?
check "CLI: unknown kind exits 2" "[ $rc = 2 ] && grep -q \"unknown kind 'bogus'\" '$tmp/e'"

# --- --patch: one kubectl line per workload (or a comment)
"$kt" savings requests --db "sqlite:$db" --window 3d --patch >"$tmp/patch"
check "--patch prints kubectl strategic patches" "grep -q \"^kubectl --context '.*' -n '.*' patch deployment '.*' --type strategic -p '{\\\"spec\\\":{\\\"template\\\"\" '$tmp/patch'"
check "--patch lines are JSON patches" "grep '^kubectl' '$tmp/patch' | sed -E \"s/.* -p '(.*)'\\\$/\\1/\" | jq -e -s 'length > 0 and all(.[]; .spec | has(\"template\") or has(\"jobTemplate\"))' >/dev/null"

# --- /metrics: the savings series, by kind and cluster
curl -s "$base/metrics" >"$tmp/metrics"
check "/metrics has kubetally_savings_monthly{kind,cluster}" "grep -qE '^kubetally_savings_monthly\\{kind=\"[a-zA-Z]+\",cluster=\"[^\"]+\"\\} [0-9.e+-]+\$' '$tmp/metrics'"
check "/metrics has the CO2e series" "grep -q '^kubetally_savings_co2e_monthly_kg{' '$tmp/metrics'"
if command -v promtool >/dev/null; then
  check "promtool check metrics" "promtool check metrics <'$tmp/metrics' >/dev/null 2>&1"
fi

# --- the Savings page
page=$(curl -s "$base/ui/savings?window=3d&sortBy=cpuLatest&sortByOrder=ascending")
check "Savings page: cards, tables, patches to copy" "grep -q 'id=\"savings-total\"' <<<'$page' && grep -q 'id=\"savings-requests\"' <<<'$page' && grep -q 'class=\"copy\"' <<<'$page' && grep -q 'kubectl --context' <<<'$page'"
check "Savings page: sortable columns toggle the order" "grep -q 'sortBy=cpuLatest&amp;sortByOrder=descending' <<<'$page' || grep -q 'sortByOrder=descending' <<<'$page'"
check "Savings page: rows drill to the workload's pods" "grep -q 'href=\"/ui/cost?window=3d&amp;aggregate=pod&amp;filter=cluster' <<<'$page'"
check "Savings page in the navigation" "curl -s '$base/' | has 'href=\"/ui/savings\"'"

echo "$fails failed"
[ "$fails" = 0 ]
