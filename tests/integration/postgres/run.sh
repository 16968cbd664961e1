#!/usr/bin/env bash
# PostgreSQL end to end: a real server from Debian's postgresql package,
# initdb'd into a temp dir and run as an ordinary user on a free loopback
# port (pg.sh).  Checks:
#   - the demo fleet written to SQLite and to PostgreSQL gives the same
#     `allocation -o json` (by namespace, label, pod, with --step, idle
#     shared) and `assets -o json` to a relative 1e-9 (jsondiff.py);
#   - the property suite (tests/unit/test_engine_exact.c) and the bill
#     reconciliation tests (test_bills_reconcile.c, and for days past
#     hourly retention test_bills_reconcile_daily.c) on PostgreSQL;
#   - the password is in no output and no error message;
#   - a hot standby: writing to it alone is refused, a URL listing it before
#     the primary writes to the primary (target_session_attrs=read-write);
#   - a database written by a newer kubetally, a read-only database and an
#     unreachable server are refused with one line, exit 2, nothing written;
#   - row-level security: an agent role from `db grant-agent` sees only its
#     cluster, and writing another cluster (through kubetally or with psql)
#     is an error or touches nothing: the other cluster's sums are unchanged;
#   - two in-cluster agents on two real API servers, PostgreSQL stopped and
#     restarted mid-run, one agent killed -9 during the outage and restarted
#     from its spool (--spool-dir), killed -9 again with the database up:
#     every second metered exactly once, the spools replayed and empty, the
#     spool on /metrics during and after the outage (agents.py);
#   - `serve` keeps answering across a PostgreSQL restart (reconnect), and
#     two replicas answer concurrent requests alike;
#   - FOCUS bills (bills.sh): import, restatement, cloudcost and
#     reconciliation give the same JSON on both backends; agents are refused;
#   - kill -9 of a writer mid-flush leaves every earlier commit and no half
#     hour (the flush is one transaction).
set -uo pipefail
cd "$(dirname "$0")/../../.."
root=$PWD
kt=$root/build/kubetally
. tests/integration/lib.sh
. tests/integration/postgres/pg.sh
[ -n "$pg_bin" ] || { echo "SKIP postgresql not installed (scripts/setup.sh --test)"; exit 0; }
chmod 755 "$tmp"
pg_start "$tmp/pg" || { bad "PostgreSQL did not start"; cat "$tmp/pg/initdb.log" "$tmp/pg/log" 2>/dev/null | tail -20; exit 1; }
pg_stop_on_exit() { pg_stop "$tmp/pg"; kt_cleanup; }
trap pg_stop_on_exit EXIT
ok "PostgreSQL up on port $PGPORT_T"
base=${PG_URL%/postgres}
pg_sql "CREATE DATABASE fleet" && pg_sql "CREATE DATABASE newer" && pg_sql "CREATE DATABASE ro" || bad "create databases"

expect_err() { # name, expected substring, command...
  local name=$1 want=$2; shift 2
  local out rc
  out=$("$@" 2>&1 >/dev/null); rc=$?
  if [ $rc -eq 2 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && [[ "$out" == *"$want"* ]] &&
     [[ "$out" != *kt-secret-pw* ]]; then ok "$name"
  else bad "$name (exit $rc): $out"; fi
}

# --- the same fleet on both backends ---------------------------------------
sq=$tmp/fleet.db
$kt demo --db "sqlite:$sq" --days 3 --pods 120 -q >/dev/null || bad "demo on SQLite"
out=$($kt demo --db "$base/fleet" --days 3 --pods 120 2>&1); rc=$?
[ $rc = 0 ] && ok "demo on PostgreSQL" || bad "demo on PostgreSQL: $out"
[[ "$out" != *kt-secret-pw* && "$out" == *"postgresql://kt@127.0.0.1:$PGPORT_T/fleet"* ]] &&
  ok "demo names the database without its password" || bad "password shown or URL missing: $out"
same() { # name, kubetally args…
  local name=$1; shift
  "$kt" "$@" --db "sqlite:$sq" -o json > "$tmp/a.json" 2>"$tmp/a.err" &&
  "$kt" "$@" --db "$base/${same_db:-fleet}" -o json > "$tmp/b.json" 2>"$tmp/b.err" &&
  [ "$(wc -c < "$tmp/a.json")" -gt 100 ] &&
  python3 tests/integration/postgres/jsondiff.py "$tmp/a.json" "$tmp/b.json" > "$tmp/diff" &&
  ok "same JSON from both backends: $name" || { bad "backends differ: $name"; head -5 "$tmp/diff" "$tmp/b.err"; }
}
same "allocation by namespace, 3d" allocation --window 3d --aggregate namespace
same "allocation by label:app, 3d" allocation --window 3d --aggregate label:app
same "allocation by pod, 36h" allocation --window 36h --aggregate pod
same "allocation by cluster, daily steps" allocation --window 3d --aggregate cluster --step 1d
same "allocation by namespace, hourly steps" allocation --window 2d --aggregate namespace --step 1h
same "allocation, idle shared" allocation --window 3d --aggregate namespace --share-idle
same "assets, 3d" assets --window 3d
same "assets by type, 36h" assets --window 36h --aggregate type
same "clusters" clusters
# the hand-checkable invariant on the PostgreSQL side alone: Σ allocations = Σ assets
conserved() { # database window: Σ allocation totalCost (idle as rows) = Σ asset totalCost to 1e-9
  $kt allocation --db "$base/$1" --window "$2" --aggregate cluster -o json > "$tmp/alloc.json" &&
  $kt assets --db "$base/$1" --window "$2" -o json > "$tmp/assets.json" &&
  python3 - "$tmp/alloc.json" "$tmp/assets.json" <<'PY'
import json, sys
def total(doc, key):
    t = 0.0
    def walk(x):
        nonlocal t
        if isinstance(x, dict):
            if key in x and isinstance(x[key], (int, float)): t += x[key]; return
            for v in x.values(): walk(v)
        elif isinstance(x, list):
            for v in x: walk(v)
    walk(doc)
    return t
a = total(json.load(open(sys.argv[1])), "totalCost")
b = total(json.load(open(sys.argv[2])), "totalCost")
print(f"   allocations {a:.9f}, assets {b:.9f}")
sys.exit(0 if a > 0 and abs(a - b) <= 1e-9 * b else 1)
PY
}
conserved fleet 3d && ok "PostgreSQL: Σ allocations = Σ assets to 1e-9" || bad "conservation on PostgreSQL"

# --- the property suite on PostgreSQL ---------------------------------------
if [ -x build/tests/test_engine_exact ]; then
  KUBETALLY_TEST_PG=$PG_URL build/tests/test_engine_exact > "$tmp/exact.log" 2>&1 &&
    ok "property suite on both backends ($(tail -1 "$tmp/exact.log"))" ||
    { bad "property suite on PostgreSQL"; grep -v "^ok" "$tmp/exact.log" | tail -10; }
else
  bad "build/tests/test_engine_exact missing (make test first)"
fi
# the bill reconciliation unit tests' hand-computed numbers, on PostgreSQL too
if [ -x build/tests/test_bills_reconcile ]; then
  KUBETALLY_TEST_PG=$PG_URL build/tests/test_bills_reconcile > "$tmp/bills_unit.log" 2>&1 &&
    ok "bill reconciliation unit tests on both backends ($(tail -1 "$tmp/bills_unit.log"))" ||
    { bad "bill reconciliation unit tests on PostgreSQL"; grep -v "^ok" "$tmp/bills_unit.log" | tail -10; }
fi
# and those of a bill day past hourly retention (daily rows scaled and re-shared in place)
if [ -x build/tests/test_bills_reconcile_daily ]; then
  KUBETALLY_TEST_PG=$PG_URL build/tests/test_bills_reconcile_daily > "$tmp/bills_daily.log" 2>&1 &&
    ok "bill days past hourly retention: unit tests on both backends ($(tail -1 "$tmp/bills_daily.log"))" ||
    { bad "bill days past hourly retention on PostgreSQL"; grep -v "^ok" "$tmp/bills_daily.log" | tail -10; }
fi

# --- agents: row-level security --------------------------------------------------
A=aws-prod-us-east-1 B=gcp-prod-europe-west1
out=$($kt db grant-agent --cluster $A --password-file "$tmp/a.pw" --db "$base/fleet" 2>&1) &&
  [[ "$out" == *"role kt_agent_aws_prod_us_east_1 may read and write cluster $A only"* && "$out" != *kt-secret-pw* ]] &&
  [ "$(stat -c %a "$tmp/a.pw")" = 600 ] && ok "grant-agent made role kt_agent_aws_prod_us_east_1 (password file 0600)" ||
  bad "grant-agent: $out"
$kt db grant-agent --cluster $B --password-file "$tmp/b.pw" --db "$base/fleet" >/dev/null 2>&1 || bad "grant-agent B"
AU="postgresql://kt_agent_aws_prod_us_east_1:$(cat "$tmp/a.pw")@127.0.0.1:$PGPORT_T/fleet"
asA() { PGPASSWORD=$(cat "$tmp/a.pw") "$pg_bin/psql" -X -q -At -h 127.0.0.1 -p "$PGPORT_T" -U kt_agent_aws_prod_us_east_1 -d fleet -c "$1" 2>&1; }
bsum() { PG_DB=fleet pg_sql "SELECT (SELECT count(*) || ':' || sum(hours * hourly) FROM node_h WHERE cluster_id = (SELECT id FROM clusters WHERE name = '$B')) || '/' || (SELECT count(*) || ':' || sum(cpu_cost) FROM container_d WHERE cluster_id = (SELECT id FROM clusters WHERE name = '$B')) || '/' || (SELECT count(*) FROM pods WHERE cluster_id = (SELECT id FROM clusters WHERE name = '$B'))"; }
b0=$(bsum)
[ "$($kt clusters --db "$AU" -o json 2>&1 | python3 -c 'import json,sys; print(",".join(sorted(c.get("name","?") for c in json.load(sys.stdin)["data"])))' 2>&1)" = "$A" ] &&
  ok "agent A lists only its cluster" || bad "agent A sees other clusters: $($kt clusters --db "$AU" 2>&1 | head -5)"
$kt allocation --db "$AU" --window 3d --aggregate cluster -o json > "$tmp/agentA.json" 2>&1
$kt allocation --db "$base/fleet" --window 3d --aggregate cluster -o json > "$tmp/owner.json"
python3 - "$tmp/agentA.json" "$tmp/owner.json" "$A" <<'PY' && ok "agent A reads its cluster's costs, the same as the owner sees them" || bad "agent A's allocation"
import json, sys
def rows(doc):
    out = {}
    def walk(x):
        if isinstance(x, dict):
            if "name" in x and "totalCost" in x: out[x["name"]] = x["totalCost"]; return
            for v in x.values(): walk(v)
        elif isinstance(x, list):
            for v in x: walk(v)
    walk(doc)
    return out
a, o, name = rows(json.load(open(sys.argv[1]))), rows(json.load(open(sys.argv[2]))), sys.argv[3]
print("   agent rows:", sorted(a))
ok = a and all(k.startswith(name) for k in a) and all(abs(a[k] - o[k]) <= 1e-9 * max(1, o[k]) for k in a)
sys.exit(0 if ok else 1)
PY
expect_err "agent A writing cluster B: refused" "row-level security" $kt demo --db "$AU" --days 1 --pods 10 -q
[ "$(asA "SELECT count(*) FROM node_h WHERE cluster_id = (SELECT id FROM clusters WHERE name = '$B')")" = 0 ] &&
  ok "agent A reads no row of cluster B" || bad "agent A reads cluster B"
[ "$(asA "SELECT count(*) FROM clusters WHERE name = '$B'")" = 0 ] && ok "agent A does not see cluster B's row" || bad "cluster B visible"
out=$(asA "UPDATE node_h SET hours = 0 WHERE cluster_id <> (SELECT kt_agent_cluster()); DELETE FROM pods WHERE cluster_id <> (SELECT kt_agent_cluster())")
[ -z "$out" ] && ok "agent A's UPDATE/DELETE of cluster B's rows changes nothing" || bad "UPDATE/DELETE: $out"
bid=$(PG_DB=fleet pg_sql "SELECT id FROM clusters WHERE name = '$B'")
out=$(asA "INSERT INTO node_h (t, cluster_id, node_id, hours) SELECT max(t), $bid, 1, 1 FROM node_h")
[[ "$out" == *"row-level security"* ]] && ok "agent A's INSERT into cluster B is an error" || bad "INSERT into B: $out"
part=$(PG_DB=fleet pg_sql "SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = 'node_h'::regclass LIMIT 1")
out=$(asA "SELECT count(*) FROM $part")
[[ "$out" == *"permission denied"* ]] && ok "agent A cannot read a partition directly" || bad "partition read: $out"
out=$(asA "SELECT count(*) FROM records")
[[ "$out" == 0 || "$out" == *"permission denied"* ]] && ok "agent A reads no records (budgets)" || bad "records visible: $out"
out=$($kt reprice --db "$AU" --window 3d 2>&1 >/dev/null) && ok "agent A writes its own cluster (reprice, roll-ups)" ||
  bad "agent A reprice: $out"
[ "$(bsum)" = "$b0" ] && ok "cluster B unchanged after all of agent A's attempts ($b0)" || bad "cluster B changed: $b0 -> $(bsum)"
expect_err "--spool-max-mb without --spool-dir" "--spool-dir" $kt collect --spool-max-mb 5 --db "sqlite:$tmp/none.db"
expect_err "--spool-max-mb 0" "--spool-max-mb" $kt collect --spool-dir "$tmp/spool" --spool-max-mb 0 --db "sqlite:$tmp/none.db"
expect_err "grant-agent on SQLite" "PostgreSQL" $kt db grant-agent --cluster x --password-file "$tmp/x.pw" --db "sqlite:$sq"

# --- agents in two real clusters, PostgreSQL stopped mid-run (agents.py) ----------
mkdir -p "$tmp/agents"
PG_BIN=$pg_bin python3 tests/integration/postgres/agents.py "$kt" "$tmp/pg" "$PG_URL" "$tmp/agents" > "$tmp/agents.out" 2>&1
cat "$tmp/agents.out"
n=$(grep -c '^FAIL' "$tmp/agents.out"); fails=$((fails + n))
grep -q '^ok   .*counted once' "$tmp/agents.out" || { bad "agents test did not finish"; tail -5 "$tmp/agents/agent-alpha.log" 2>/dev/null; }

# --- a hot standby: multi-host URLs go to the primary to write --------------------------
sb=$tmp/standby; mkdir -p "$sb" && chmod 777 "$sb"; [ "$(id -u)" = 0 ] && chown "$pg_user" "$sb"
sport=$(free_port)
if pg_as "$pg_bin/pg_basebackup" -h 127.0.0.1 -p "$PGPORT_T" -U kt -D "$sb/data" -R -X stream >"$sb/bb.log" 2>&1 &&
   pg_as "$pg_bin/pg_ctl" -D "$sb/data" -l "$sb/log" -w -t 60 \
     -o "-p $sport -k $sb -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null; then
  ok "hot standby of the test server on port $sport"
  standby="postgresql://kt:kt-secret-pw@127.0.0.1:$sport/fleet"
  both="postgresql://kt:kt-secret-pw@127.0.0.1:$sport,127.0.0.1:$PGPORT_T/fleet"
  expect_err "writing to the standby alone: refused" "read-only" $kt demo --db "$standby" --days 1 --pods 10 -q
  $kt allocation --db "$standby" --window 3d -o json > "$tmp/sb.json" 2>&1 && [ -s "$tmp/sb.json" ] &&
    ok "the standby answers reads" || bad "read from standby: $(head -c 200 "$tmp/sb.json")"
  out=$($kt reprice --db "$both" --window 3d 2>&1) && ok "standby listed first, primary second: the writer reaches the primary" ||
    bad "multi-host write: $out"
  pg_as "$pg_bin/pg_ctl" -D "$sb/data" -m fast -w stop >/dev/null 2>&1
else
  bad "standby did not start"; tail -3 "$sb/bb.log" "$sb/log" 2>/dev/null
fi

# --- refusals ----------------------------------------------------------------
$kt demo --db "$base/newer" --days 1 --pods 10 -q >/dev/null 2>&1 || bad "demo into newer"
PG_DB=newer pg_sql "UPDATE meta SET value = '99' WHERE key = 'schema_version'"
before=$(PG_DB=newer pg_sql "SELECT count(*), sum(cpu_alloc) FROM container_h")
expect_err "newer schema refused" "written by a newer kubetally" $kt demo --db "$base/newer" --days 1 --pods 10 -q
expect_err "newer schema refused on read" "written by a newer kubetally" $kt allocation --db "$base/newer" --window 1d
[ "$(PG_DB=newer pg_sql "SELECT count(*), sum(cpu_alloc) FROM container_h")" = "$before" ] &&
  ok "newer database untouched" || bad "newer database was modified"
pg_sql "ALTER DATABASE ro SET default_transaction_read_only = on"
expect_err "read-only database refused" "read-only" $kt demo --db "$base/ro" --days 1 --pods 10 -q
expect_err "empty database on read" "no kubetally data yet" $kt allocation --db "$base/ro" --window 1d
expect_err "wrong password" "cannot connect" $kt allocation --db "postgresql://kt:wrong-pw@127.0.0.1:$PGPORT_T/fleet" --window 1d
dead=$(free_port)
expect_err "no server" "cannot connect" $kt allocation --db "postgresql://kt:kt-secret-pw@127.0.0.1:$dead/fleet" --window 1d

# --- serve across a restart -----------------------------------------------------
port=$(free_port)
"$kt" serve --db "$base/fleet" --listen "127.0.0.1:$port" 2>"$tmp/serve.log" &
pids+=("$!")
if wait_ready "http://127.0.0.1:$port/readyz"; then
  q="http://127.0.0.1:$port/allocation?window=3d&aggregate=namespace"
  curl -sf "$q" > "$tmp/s1.json" && ok "serve answers from PostgreSQL" || bad "serve /allocation"
  pg_stop "$tmp/pg"
  code=$(curl -s -o "$tmp/down.json" -w '%{http_code}' "$q")
  [ "$code" -ge 500 ] && ! grep -q kt-secret-pw "$tmp/down.json" && ok "database down: $code, no password in the answer" ||
    bad "database down gave $code: $(head -c 300 "$tmp/down.json")"
  pg_start "$tmp/pg" || bad "PostgreSQL restart"
  curl -sf "$q" > "$tmp/s2.json" && python3 tests/integration/postgres/jsondiff.py "$tmp/s1.json" "$tmp/s2.json" >/dev/null &&
    ok "serve answers the same after PostgreSQL restarted" || bad "serve after restart"
  ! grep -q kt-secret-pw "$tmp/serve.log" && ok "no password in serve's log" || bad "password in serve's log"
else
  bad "serve did not become ready"; tail -5 "$tmp/serve.log"
fi

# --- several serve replicas on one database -------------------------------------------
p1=$(free_port); p2=$(free_port)
"$kt" serve --db "$base/fleet" --listen "127.0.0.1:$p1" 2>"$tmp/r1.log" & pids+=("$!")
"$kt" serve --db "$base/fleet" --listen "127.0.0.1:$p2" 2>"$tmp/r2.log" & pids+=("$!")
if wait_ready "http://127.0.0.1:$p1/readyz" && wait_ready "http://127.0.0.1:$p2/readyz"; then
  # two whole past days: a window ending now would move between answers;
  # a replica busy past its gate answers 503 + Retry-After, which curl retries
  d0=$(( ($(date +%s) / 86400 - 2) * 86400 ))
  q="allocation?window=$d0,$((d0 + 2 * 86400))&aggregate=namespace"
  curl -sf "http://127.0.0.1:$p1/$q" > "$tmp/r0.json"
  cp=()
  for i in $(seq 8); do # 16 requests in flight over the two replicas
    curl -sf --retry 5 "http://127.0.0.1:$p1/$q" -o "$tmp/r1-$i.json" & cp+=("$!")
    curl -sf --retry 5 "http://127.0.0.1:$p2/$q" -o "$tmp/r2-$i.json" & cp+=("$!")
  done
  for c in "${cp[@]}"; do wait "$c"; done
  wait_all=1; for i in $(seq 8); do for r in 1 2; do
    python3 tests/integration/postgres/jsondiff.py "$tmp/r0.json" "$tmp/r$r-$i.json" >/dev/null 2>&1 || wait_all=0
  done; done
  [ $wait_all = 1 ] && ok "two serve replicas on one database: 16 concurrent answers, all the same" ||
    bad "replicas answered differently"
else
  bad "serve replicas did not become ready"; tail -3 "$tmp/r1.log" "$tmp/r2.log"
fi

# --- claims' used bytes (kubelet stats) on PostgreSQL: the unit test's hand-computed day peaks ----
pg_sql "CREATE DATABASE volusage" >/dev/null
vu=$(KUBETALLY_TEST_PG="$base/volusage" build/tests/test_engine_savings_volumes 2>&1)
[[ "$vu" == *"ok   store_keeps_day_peaks_postgresql"* && "$vu" != *skip* && "$vu" == *" 0 failed"* ]] &&
  ok "volume usage day peaks on PostgreSQL (test_engine_savings_volumes)" || bad "volume usage on PostgreSQL: $vu"

# --- FOCUS bills: import, cloudcost, reconciliation ------------------------------------
. tests/integration/postgres/bills.sh

# --- kill -9 mid-write ---------------------------------------------------------------
pg_sql "CREATE DATABASE killed" >/dev/null
$kt demo --db "$base/killed" --days 2 --pods 60 -q >/dev/null 2>&1 || bad "demo into killed"
h0=$(PG_DB=killed pg_sql "SELECT count(*) FROM container_h")
$kt demo --db "$base/killed" --days 20 --pods 300 -q >/dev/null 2>&1 &
victim=$!
until_ok "[ \"\$(PG_DB=killed pg_sql 'SELECT count(*) FROM container_h')\" != '$h0' ] || ! kill -0 $victim 2>/dev/null"
kill -9 $victim 2>/dev/null; wait $victim 2>/dev/null
# every stored hour is whole: each (cluster, hour) with container rows has its node rows
half=$(PG_DB=killed pg_sql "SELECT count(*) FROM (SELECT DISTINCT cluster_id, t FROM container_h) c
  WHERE NOT EXISTS (SELECT 1 FROM node_h n WHERE n.cluster_id = c.cluster_id AND n.t = c.t)")
[ "$half" = 0 ] && ok "kill -9 mid-write: no half-written hour" || bad "$half hours without their nodes"
$kt allocation --db "$base/killed" --window 2d -o json >/dev/null 2>&1 && ok "killed database still answers" ||
  bad "killed database unreadable"

echo "$fails failed"
[ "$fails" = 0 ]
