#!/usr/bin/env bash
# Reports end to end with real receivers on loopback: Debian's aiosmtpd
# takes the report's mail (HTML summary + CSV attachment), and the CSV's
# numbers are the allocation API's for the same query, row by row; the
# folder gets the same CSV.  The webhook receiver is down when the report
# is sent: the notification stays pending, `serve` delivers it once the
# receiver is up, and after kill -9 and a restart nothing is sent twice.
# Alert rules over the API (POST /alert, GET /alerts/configs, /alerts/status, DELETE).
# Also GET /forecast on the same store.  Bounded polls only.
set -uo pipefail
cd "$(dirname "$0")/../../.."
root=$PWD
kt=${KT_BIN:-$root/build/kubetally}
[ -x "$kt" ] || make >/dev/null || exit 1
if ! /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get install -y -qq --no-install-recommends python3-aiosmtpd >/dev/null ||
    { echo "FAIL cannot install python3-aiosmtpd"; exit 1; }
fi
. "$root/tests/integration/lib.sh"

db=$tmp/r.db
"$kt" demo --db "sqlite:$db" --days 3 --pods 200 -q >/dev/null || { bad "demo"; exit 1; }
yesterday=$(date -u -d yesterday +%Y-%m-%dT00:00:00Z); today=$(date -u +%Y-%m-%dT00:00:00Z)
window="$yesterday,$today"
smtpport=$(free_port); hookport=$(free_port); port=$(free_port)
/usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$smtpport" >"$tmp/smtp.log" 2>&1 &
pids+=($!)
until_ok "python3 -c 'import socket; socket.create_connection((\"127.0.0.1\", $smtpport))' 2>/dev/null" ||
  { bad "aiosmtpd did not start"; exit 1; }
head -c 32 /dev/urandom | base64 >"$tmp/secret"
cat >"$tmp/k.yaml" <<YAML
evaluateEvery: 30s
receivers:
  - {name: mail, type: email, url: "smtp://127.0.0.1:$smtpport", from: kubetally@example.com, tls: none}
  - {name: hook, type: webhook, url: "http://127.0.0.1:$hookport/hook", secretFile: $tmp/secret}
delivery: {maxAttempts: 20, initialBackoff: 1s, maxBackoff: 2s}
reports:
  - name: showback
    query: {window: "$window", aggregate: namespace, idle: false}
    emails: [finance@example.com]
    webhook: hook
    folder: $tmp/out
YAML
mkdir -p "$tmp/out"

# --- on demand: the mail goes, the webhook (down) stays pending
out=$("$kt" report showback --config "$tmp/k.yaml" --db "sqlite:$db" 2>&1)
echo "$out" | grep -q "2 notifications queued, 1 delivered" && ok "report sent: $out" || bad "report: $out"
until_ok 'grep -q "Subject: kubetally report showback" $tmp/smtp.log' && ok "SMTP server took the report mail" ||
  bad "no report mail: $(head -c 2000 $tmp/smtp.log)"
"$kt" allocation --db "sqlite:$db" --window "$window" --aggregate namespace --idle=false -o csv >"$tmp/api.csv"
/usr/bin/python3 - "$tmp/smtp.log" "$tmp/api.csv" "$tmp/out" <<'PY' && ok "the CSV attachment is the allocation CSV row by row (and the folder's copy); HTML total matches" || bad "attachment numbers"
import csv, email, glob, io, re, sys
log = open(sys.argv[1], encoding="utf-8", errors="replace").read()
# aiosmtpd's debugging handler prints each message between these markers
msgs = re.findall(r"-+ MESSAGE FOLLOWS -+\n(.*?)\n-+ END MESSAGE -+", log, re.S)
msg = email.message_from_string([m for m in msgs if "kubetally report showback" in m][0])
parts = {p.get_content_type(): p.get_payload(decode=True).decode() for p in msg.walk() if not p.is_multipart()}
att = list(csv.DictReader(io.StringIO(parts["text/csv"])))
api = list(csv.DictReader(open(sys.argv[2])))
assert len(att) == len(api) > 3, (len(att), len(api))
for a, b in zip(att, api):
    assert a["name"] == b["name"] and a["totalCost"] == b["totalCost"], (a["name"], a["totalCost"], b["totalCost"])
total = sum(float(r["totalCost"]) for r in att)
m = re.search(r'Total: <b>\$([0-9,]+\.[0-9]{2})</b>', parts["text/html"])
assert m and abs(float(m.group(1).replace(",", "")) - total) < 0.006, (m and m.group(1), total)
assert "<svg" in parts["text/html"] and "http" not in parts["text/html"].split("<body>")[1]  # self-contained
folder = glob.glob(sys.argv[3] + "/showback-*.csv")
assert len(folder) == 1 and open(folder[0]).read() == parts["text/csv"], folder
print("   rows:", len(att), "total:", round(total, 2))
PY
"$kt" alerts --db "sqlite:$db" -o json >"$tmp/a.json"
python3 -c '
import json,sys; n=json.load(open(sys.argv[1]))["data"]["notifications"]
h=[x for x in n if x["receiver"]=="hook"]; assert len(h)==1 and h[0]["status"]=="pending" and "hook" in h[0]["lastError"], h
' "$tmp/a.json" && ok "the webhook is down: its report stays pending with the error" || bad "pending: $(cat $tmp/a.json)"

# --- serve delivers it once the receiver is up; kill -9 and restart sends nothing twice
python3 "$root/tests/integration/alerts/receiver.py" "$hookport" "$tmp/secret" "$tmp/hook.log" 0 &
pids+=($!)
until_ok "curl -s -o /dev/null http://127.0.0.1:$hookport/" || { bad "webhook receiver did not start"; exit 1; }
"$kt" serve --db "sqlite:$db" --listen "127.0.0.1:$port" --config "$tmp/k.yaml" >"$tmp/serve.log" 2>&1 &
serve=$!; pids+=($serve)
until_ok 'grep -q "\"event\": \"report\"" $tmp/hook.log 2>/dev/null' && ok "serve delivered the pending report to the webhook" ||
  bad "webhook never got the report: $(cat $tmp/hook.log 2>/dev/null; tail -5 $tmp/serve.log)"
grep -q "\"verified\": true" "$tmp/hook.log" && ok "signed with the secret" || bad "signature: $(cat $tmp/hook.log)"
until_ok "curl -sf http://127.0.0.1:$port/forecast?days=3 >$tmp/f.json" &&
python3 -c '
import json,sys; d=json.load(open(sys.argv[1]))["data"]; k=list(d)[0]; e=d[k]
assert k == "holt/cluster" or k.endswith("/cluster"), k
p=e["predictions"]["total"]; assert len(p)==3
for x in p: c=x["confidenceInterval"]; assert c["lowerConfidenceLimit"] <= x["predictedCost"] <= c["upperConfidenceLimit"]
assert abs(e["TotalPredictedCost"] - sum(x["predictedCost"] for x in p)) < 1e-6
' "$tmp/f.json" && ok "GET /forecast: Kubecost fields, 3 days inside their bounds" || bad "forecast: $(head -c 600 $tmp/f.json)"
kill -9 "$serve"; wait "$serve" 2>/dev/null
"$kt" serve --db "sqlite:$db" --listen "127.0.0.1:$port" --config "$tmp/k.yaml" >"$tmp/serve2.log" 2>&1 &
pids+=($!)
until_ok 'grep -q "first round done" $tmp/serve2.log' || bad "serve did not restart"
[ "$(grep -c '"event": "report"' "$tmp/hook.log")" = 1 ] && ok "after kill -9 and restart: the report was sent exactly once" ||
  bad "report sent $(grep -c '"event": "report"' "$tmp/hook.log") times"
[ "$(grep -c '^Subject: kubetally report' "$tmp/smtp.log")" = 1 ] && ok "exactly one report mail" || bad "mails"

# --- alert rules over the API: created, run by serve's rounds, listed, deleted
code() { curl -s -o "$tmp/out.json" -w '%{http_code}' "$@"; }
base=http://127.0.0.1:$port
rule='{"type":"efficiency","window":"1d","aggregation":"namespace","efficiencyThreshold":0.9}'
[ "$(code -XPOST -H 'Content-Type: application/json' -d "$rule" $base/alert)" = 200 ] &&
  id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["data"]["id"])' "$tmp/out.json") &&
  ok "POST /alert creates rule $id" || bad "POST /alert: $(cat $tmp/out.json)"
[ "$(code -XPOST -H 'Content-Type: application/json' -d '{"type":"spendChange","window":"1d"}' $base/alert)" = 400 ] &&
  grep -q baselineWindow "$tmp/out.json" && ok "a bad rule is 400 naming the field" || bad "bad rule: $(cat $tmp/out.json)"
until_ok "curl -sf $base/alerts | has '\"id\": *\"$id\"\|\"id\":\"$id\"'" &&
  ok "serve's round scheduled the new rule (GET /alerts rules)" || bad "rule not scheduled: $(curl -s $base/alerts | head -c 400)"
curl -sf "$base/alerts/configs" | has "\"$id\"" && ok "GET /alerts/configs lists it" || bad "configs"
curl -sf "$base/model/alerts/status" | python3 -c '
import json, sys
r = [x for x in json.load(sys.stdin)["data"] if x["id"] == sys.argv[1]][0]
assert r["scheduledOn"].endswith("Z") and not r["scheduledOn"].startswith("0001") and r["lastRun"].startswith("0001"), r
' "$id" && ok "GET /model/alerts/status: scheduledOn set, never run" || bad "alerts/status: $(curl -s $base/alerts/status | head -c 300)"
[ "$(code -XDELETE "$base/alert?id=$id")" = 200 ] && [ "$(code -XDELETE "$base/alert?id=$id")" = 404 ] &&
  ok "DELETE /alert?id= deletes, then 404" || bad "delete alert"

if [ $fails -eq 0 ]; then echo "reports integration: all passed"; else echo "reports integration: $fails failed"; fi
exit $((fails > 0))
