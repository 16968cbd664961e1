#!/usr/bin/env bash
# Budget alerts end to end, with real receivers started here on loopback:
# Debian's prometheus-alertmanager (installed when missing) and a python
# webhook receiver that checks the HMAC and answers 500 to its first two
# POSTs.  `kubetally serve --config` on a demo store with a budget that is
# crossed must: show the alert in Alertmanager's own API with the right
# labels; deliver both firings to the webhook, signed, retried after the
# 500s; after kill -9 and a restart send nothing again; and when the limit
# is raised, resolve both (endsAt in the past in Alertmanager, "resolved"
# events at the webhook).  Waits are bounded polls, never timing assertions.
set -uo pipefail
cd "$(dirname "$0")/../../.."
root=$PWD
kt=${KT_BIN:-$root/build/kubetally}
[ -x "$kt" ] || make >/dev/null || exit 1
. "$root/tests/integration/lib.sh"
need_receivers || { echo "FAIL cannot install prometheus-alertmanager python3-aiosmtpd"; exit 1; }

db=$tmp/a.db
"$kt" demo --db "sqlite:$db" --days 3 --pods 200 -q >/dev/null || { bad "demo"; exit 1; }
# a cluster where team payments runs
cluster=$("$kt" allocation --db "sqlite:$db" --window 3d --aggregate cluster --filter 'label[team]:"payments"' -o json |
  python3 -c 'import json,sys; print(sorted(k for s in json.load(sys.stdin)["data"] for k in s if not k.startswith("__"))[0])')
[ -n "$cluster" ] || { bad "no cluster runs team payments"; exit 1; }
# the period starts yesterday, so it holds a day of spend whatever the date
day=$(date -u -d yesterday +%-d)

amport=$(free_port); hookport=$(free_port); port=$(free_port); smtpport=$(free_port)
am=http://127.0.0.1:$amport
base=http://127.0.0.1:$port
printf 'route:\n  receiver: devnull\nreceivers:\n  - name: devnull\n' >"$tmp/am.yml"
prometheus-alertmanager --config.file="$tmp/am.yml" --storage.path="$tmp/am" \
  --web.listen-address="127.0.0.1:$amport" --cluster.listen-address= >"$tmp/am.log" 2>&1 &
pids+=($!)
head -c 32 /dev/urandom | base64 >"$tmp/secret"
python3 "$root/tests/integration/alerts/receiver.py" "$hookport" "$tmp/secret" "$tmp/hook.log" 2 &
pids+=($!)
# a real SMTP server (Debian's aiosmtpd, so Debian's python), printing every message it takes
/usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$smtpport" >"$tmp/smtp.log" 2>&1 &
pids+=($!)
until_ok "curl -sf $am/-/ready >/dev/null" || { bad "alertmanager did not start"; cat "$tmp/am.log"; exit 1; }
# any HTTP answer (501 to GET) means the receiver listens
until_ok "curl -s -o /dev/null http://127.0.0.1:$hookport/" || { bad "webhook receiver did not start"; exit 1; }
ok "alertmanager ready on $am"

cat >"$tmp/k.yaml" <<YAML
evaluateEvery: 30s
budgets:
  - id: pay
    name: payments
    values:
      label: ["team:payments"]
      cluster: ["$cluster"]
    interval: monthly
    intervalDay: $day
    spendLimit: 0.000001
    actions:
      - percentage: 50
      - percentage: 100
        slackWebhooks: ["http://127.0.0.1:$hookport/slack"]
        emails: ["finops@example.com"]
receivers:
  - name: mail
    type: email
    url: smtp://127.0.0.1:$smtpport
    from: kubetally@example.com
    tls: none
  - name: am
    type: alertmanager
    url: $am
  - name: hook
    type: webhook
    url: http://127.0.0.1:$hookport/hook
    secretFile: $tmp/secret
delivery:
  maxAttempts: 10
  initialBackoff: 1s
  maxBackoff: 2s
YAML
start_serve() {
  "$kt" serve --db "sqlite:$db" --listen "127.0.0.1:$port" --config "$tmp/k.yaml" 2>"$tmp/serve$1.log" &
  serve_pid=$!
  pids+=("$serve_pid")
  until_ok "grep -q 'alerts: first round done' $tmp/serve$1.log || ! kill -0 $serve_pid 2>/dev/null" &&
    kill -0 "$serve_pid" 2>/dev/null || { bad "serve $1: no alerts round"; cat "$tmp/serve$1.log"; exit 1; }
}
start_serve 1
ok "serve started with --config"

# --- Alertmanager has both alerts, with the labels routing needs
am_alerts() { curl -sf "$am/api/v2/alerts?filter=alertname%3D%22KubetallyBudget%22"; }
until_ok '[ "$(am_alerts | python3 -c "import json,sys; print(len(json.load(sys.stdin)))")" = 2 ]' &&
  ok "alertmanager received 2 alerts" || bad "alertmanager alerts: $(am_alerts)"
am_alerts | python3 -c '
import json, sys
cluster = sys.argv[1]
alerts = {a["labels"]["percentage"]: a for a in json.load(sys.stdin)}
a = alerts["100"]["labels"]
assert a["alertname"] == "KubetallyBudget" and a["team"] == "payments" and a["cluster"] == cluster, a
assert a["severity"] == "critical" and a["budget"] == "payments" and a["budget_id"] == "pay", a
assert alerts["50"]["labels"]["severity"] == "warning", alerts["50"]
assert alerts["100"]["status"]["state"] == "active", alerts["100"]["status"]
' "$cluster" && ok "labels alertname, team, cluster, severity, budget; state active" || bad "alert labels"

# --- kubetally budgets: the same budget, its period from yesterday, spend over the limit
"$kt" budgets --db "sqlite:$db" -o json >"$tmp/budgets.json"
python3 -c '
import json, sys, datetime
b = json.load(open(sys.argv[1]))["data"]
assert len(b) == 1 and b[0]["id"] == "pay" and b[0]["interval"] == "monthly", b
y = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1)).strftime("%Y-%m-%dT00:00:00Z")
assert b[0]["window"]["start"] == y, (b[0]["window"], y)
assert b[0]["currentSpend"] > b[0]["spendLimit"], b
assert all("lastFired" in a for a in b[0]["actions"]), b[0]["actions"]
' "$tmp/budgets.json" && ok "kubetally budgets -o json: period from yesterday, spend over the limit, lastFired" || bad "budgets: $(cat $tmp/budgets.json)"
"$kt" budgets --db "sqlite:$db" | has "^pay " && ok "kubetally budgets table" || bad "budgets table"

# --- the webhook: 2 firings, signed, delivered after two 500s
hook_ok() { python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print(len({r["delivery"] for r in rows if r["status"] == 200 and r["event"] == sys.argv[2]}))' "$tmp/hook.log" "$1"; }
until_ok '[ -f $tmp/hook.log ] && [ "$(hook_ok firing)" = 2 ]' && ok "webhook: 2 firings delivered" || bad "webhook firings: $(cat $tmp/hook.log)"
[ "$(grep -c '"status": 500' "$tmp/hook.log")" = 2 ] && ok "webhook: the two 500s were retried" || bad "500s: $(cat $tmp/hook.log)"
grep '"path": "/hook"' "$tmp/hook.log" | grep -q '"verified": false' && bad "an unsigned or wrongly signed POST" || ok "every webhook POST's HMAC-SHA256 verified"
until_ok 'grep -q "\"path\": \"/slack\", \"text\": \"\[FIRING\] Budget payments" $tmp/hook.log' &&
  ok "the 100 % action's Slack webhook got [FIRING] Budget payments" || bad "slack: $(grep slack $tmp/hook.log)"
until_ok 'grep -q "Subject: \[FIRING\] Budget payments" $tmp/smtp.log' && grep -q "finops@example.com" "$tmp/smtp.log" &&
  ok "SMTP server took the mail to finops@example.com: Subject [FIRING] Budget payments" || bad "smtp: $(cat $tmp/smtp.log)"
all_delivered() { "$kt" alerts --db "sqlite:$db" -o json | python3 -c '
import json, sys
n = json.load(sys.stdin)["data"]["notifications"]
sys.exit(not all(x["status"] == "delivered" for x in n))'; }
until_ok all_delivered
"$kt" alerts --db "sqlite:$db" -o json >"$tmp/alerts.json"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))["data"]
n = d["notifications"]
assert len(n) == 6 and all(x["status"] == "delivered" for x in n), n
assert sum(x["attempts"] for x in n if x["receiver"] == "hook") == 4, n   # 2 + the two 500s
assert [x.get("to") for x in n if x["receiver"] == "email:1"] == ["finops@example.com"], n
assert [x["receiver"] for x in n].count("slack:1") == 1 and not any("url" in x for x in n), n
assert len(d["alerts"]) == 2 and all(a["firing"] for a in d["alerts"]), d["alerts"]
' "$tmp/alerts.json" && ok "kubetally alerts: 6 notifications delivered (am, hook, slack:1, email:1), hook took 4 attempts" || bad "alerts listing: $(cat $tmp/alerts.json)"
curl -sf "$base/alerts" | has "$tmp/secret\|127.0.0.1:$hookport" && bad "GET /alerts shows a URL or secret path" || ok "GET /alerts shows no URL or secret"
grep -q "$(cat "$tmp/secret")" "$tmp"/serve1.log && bad "secret in the log" || ok "secret never logged"

# --- kill -9 and restart: nothing is sent again
kill -9 "$serve_pid"; wait "$serve_pid" 2>/dev/null
posts_before=$(wc -l <"$tmp/hook.log")
start_serve 2
"$kt" alerts --db "sqlite:$db" -o json >"$tmp/alerts2.json"
python3 -c '
import json, sys
n = json.load(open(sys.argv[1]))["data"]["notifications"]
assert len(n) == 6 and all(x["status"] == "delivered" for x in n), n
' "$tmp/alerts2.json" && ok "after kill -9 and restart: still 6 notifications, none queued again" || bad "after restart: $(cat $tmp/alerts2.json)"
[ "$(wc -l <"$tmp/hook.log")" = "$posts_before" ] && ok "webhook got nothing more after the restart" || bad "webhook posts went from $posts_before to $(wc -l <"$tmp/hook.log")"
[ "$(am_alerts | python3 -c "import json,sys; print(len(json.load(sys.stdin)))")" = 2 ] && ok "alertmanager still has exactly 2" || bad "alertmanager after restart: $(am_alerts)"

# --- raise the limit over the API: both resolve at once
curl -sf -XPOST -H 'Content-Type: application/json' "$base/budget" -d "{\"id\":\"pay\",\"name\":\"payments\",
  \"values\":{\"label\":[\"team:payments\"],\"cluster\":[\"$cluster\"]},\"interval\":\"monthly\",\"intervalDay\":$day,
  \"spendLimit\":1000000,\"actions\":[{\"percentage\":50},{\"percentage\":100,
  \"slackWebhooks\":[\"http://127.0.0.1:$hookport/slack\"],\"emails\":[\"finops@example.com\"]}]}" >"$tmp/post.json" &&
  ok "POST /budget raised the limit" || bad "POST /budget: $(cat $tmp/post.json)"
curl -sf "$base/budgets" >"$tmp/budgets.json" && ! grep -q "$hookport/slack" "$tmp/budgets.json" "$tmp/post.json" &&
  grep -q "127.0.0.1:$hookport/hidden" "$tmp/budgets.json" &&
  ok "GET /budgets and the POST's answer show the Slack URL hidden (its path is the token)" || bad "webhook URL shown: $(cat $tmp/budgets.json)"
until_ok '[ "$(hook_ok resolved)" = 2 ]' && ok "webhook: 2 resolutions delivered" || bad "webhook resolved: $(cat $tmp/hook.log)"
until_ok 'grep -q "\"text\": \"\[RESOLVED\] Budget payments" $tmp/hook.log' && ok "Slack webhook got [RESOLVED]" || bad "slack resolved"
until_ok 'grep -q "Subject: \[RESOLVED\] Budget payments" $tmp/smtp.log' && ok "SMTP server took the [RESOLVED] mail" || bad "smtp resolved"
[ "$(grep -c "^Subject: " "$tmp/smtp.log")" = 2 ] && ok "exactly 2 mails (fired, resolved), none doubled by the restart" || bad "mails: $(grep Subject $tmp/smtp.log)"
# Alertmanager lists only alerts whose endsAt is still ahead: an empty list means both were resolved
until_ok '[ "$(am_alerts)" = "[]" ]' && ok "alertmanager: both alerts resolved (endsAt passed)" || bad "alertmanager resolve: $(am_alerts)"
"$kt" alerts --db "sqlite:$db" | has resolved && ok "kubetally alerts shows them resolved" || bad "alerts table"

# --- kubetally alerts --test sends one notification now, to the receiver named
"$kt" alerts --test am --config "$tmp/k.yaml" | has "sent a test notification to am" &&
  until_ok 'curl -sf "$am/api/v2/alerts?filter=alertname%3D%22KubetallyTest%22" | has "\"receiver\":\"am\""' &&
  ok "alerts --test am: KubetallyTest in alertmanager" || bad "alerts --test am"
"$kt" alerts --test hook --config "$tmp/k.yaml" >/dev/null &&
  python3 -c 'import json,sys; r=[json.loads(l) for l in open(sys.argv[1])][-1]; sys.exit(not (r["event"]=="test" and r["verified"]))' "$tmp/hook.log" &&
  ok "alerts --test hook: a signed test event" || bad "alerts --test hook: $(tail -1 $tmp/hook.log)"
"$kt" alerts --test mail --config "$tmp/k.yaml" >/dev/null &&
  until_ok 'grep -q "Subject: kubetally test notification" $tmp/smtp.log' &&
  ok "alerts --test mail: a test mail to the From address" || bad "alerts --test mail"
"$kt" alerts --test nobody --config "$tmp/k.yaml" 2>"$tmp/err.txt"; [ $? = 2 ] && grep -q "no receiver named 'nobody'" "$tmp/err.txt" &&
  ok "alerts --test with an unknown receiver: exit 2 naming it" || bad "--test nobody: $(cat $tmp/err.txt)"

# --- the write routes refuse what they should, with Kubecost's error shape
code() { curl -s -o "$tmp/err.json" -w '%{http_code}' "$@"; }
[ "$(code -XPOST -d '{}' "$base/budget")" = 415 ] && ok "POST without Content-Type: application/json is 415" || bad "415"
[ "$(code -XPOST -H 'Content-Type: application/json' -d '{"name":' "$base/budget")" = 400 ] && ok "bad JSON is 400" || bad "400 JSON"
[ "$(code -XPOST -H 'Content-Type: application/json' -d '{"name":"x","values":{},"interval":"daily","spendLimit":1}' "$base/budget")" = 400 ] &&
  grep -q interval "$tmp/err.json" && ok "a bad field is 400 naming it" || bad "400 field: $(cat $tmp/err.json)"
[ "$(code -XPOST -H 'Content-Type: application/json' -d '{"id":"nope","name":"x","values":{},"interval":"weekly","spendLimit":1}' "$base/budget")" = 404 ] &&
  ok "an unknown id is 404" || bad "404 id"
[ "$(code -XDELETE "$base/budget")" = 400 ] && ok "DELETE without id is 400" || bad "400 delete"
[ "$(code "$base/budget")" = 405 ] && ok "GET /budget is 405" || bad "405"
[ "$(code -XDELETE "$base/model/deleteBudget?id=pay")" = 200 ] && ok "Kubecost's DELETE /model/deleteBudget?id= deletes" || bad "delete"
[ "$(code -XDELETE "$base/budget?id=pay")" = 404 ] && ok "deleting it again is 404" || bad "404 delete"
[ "$(curl -sf "$base/budgets")" = '{"code":200,"data":[]}' ] && ok "GET /budgets is empty" || bad "budgets: $(curl -s $base/budgets)"

# --- with a bearer token, the write routes want it before reading a body
kill "$serve_pid"; wait "$serve_pid" 2>/dev/null
printf 'budget-writer-token-0123456789\n' >"$tmp/token"
"$kt" serve --db "sqlite:$db" --listen "127.0.0.1:$port" --auth-token-file "$tmp/token" 2>"$tmp/serve3.log" &
serve_pid=$!; pids+=("$serve_pid")
until_ok "curl -s -o /dev/null $base/healthz" || bad "serve with a token did not start"
body='{"name":"t","values":{},"interval":"weekly","spendLimit":1}'
[ "$(code -XPOST -H 'Content-Type: application/json' -d "$body" "$base/budget")" = 401 ] && ok "POST /budget without the token is 401" || bad "401"
[ "$(code -XPOST -H 'Content-Type: application/json' -H 'Authorization: Bearer budget-writer-token-0123456789' \
      -d "$body" "$base/budget")" = 200 ] && ok "POST /budget with the token creates" || bad "POST with token: $(cat $tmp/err.json)"

if [ $fails -eq 0 ]; then echo "alerts integration: all passed"; else echo "alerts integration: $fails failed"; fi
exit $((fails > 0))
