#!/usr/bin/env python3
"""API vs CLI, field by field: for each query, GET the API and run the CLI
with the same parameters as flags; the bytes must be identical, and when
they are not, the first differing JSON field is named.  Used by run.sh."""
import json
import subprocess
import sys
import urllib.parse
import urllib.request

base, kt, db = sys.argv[1], sys.argv[2], sys.argv[3]

# API parameter -> CLI flag (booleans as --flag=VALUE)
FLAGS = {
    "window": "--window", "aggregate": "--aggregate", "filter": "--filter", "idle": "--idle",
    "includeIdle": "--idle", "shareIdle": "--share-idle", "idleByNode": "--idle-by-node",
    "shareNamespaces": "--share-namespaces", "shareLabels": "--share-labels", "shareCost": "--share-cost",
    "shareSplit": "--share-split", "shareTenancyCosts": "--share-tenancy-costs", "step": "--step",
    "accumulate": "--accumulate", "resolution": "--resolution",
}

QUERIES = [
    {"window": "7d", "aggregate": "namespace"},
    {"window": "7d", "aggregate": "cluster,namespace"},
    {"window": "3d", "aggregate": "label:team", "idle": "false"},
    {"window": "48h", "aggregate": "controller", "step": "1h"},
    {"window": "7d", "aggregate": "namespace", "step": "1d", "accumulate": "true"},
    {"window": "7d", "aggregate": "namespace", "shareIdle": "true", "idleByNode": "true"},
    {"window": "7d", "aggregate": "namespace", "filter": 'cluster:"aws-prod-us-east-1"'},
    {"window": "7d", "aggregate": "pod", "filter": 'namespace~:"prod" + label[team]:"growth"'},
    {"window": "7d", "aggregate": "namespace", "shareNamespaces": "monitoring,kube-system", "shareSplit": "even"},
    {"window": "7d", "aggregate": "namespace", "shareLabels": "team:platform"},
    {"window": "7d", "aggregate": "namespace", "shareTenancyCosts": "false"},
    {"window": "7d", "aggregate": "provider", "includeIdle": "false", "resolution": "1h"},
    {"window": "yesterday", "aggregate": "node"},
    {"window": "today"},
    {"window": "7d", "aggregate": "namespace", "shareCost": "100"},
]

fails = 0


def ok(cond, what):
    global fails
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        fails += 1


def get(path, params):
    url = base + path + "?" + urllib.parse.urlencode(params, quote_via=urllib.parse.quote)
    with urllib.request.urlopen(url) as r:
        return r.status, r.read()


def cli(cmd, params, out):
    args = [kt, cmd, "--db", db, "-o", out]
    if cmd == "allocation" and "idle" not in params and "includeIdle" not in params:
        args.append("--idle=false")  # the API's default is OpenCost's includeIdle=false; the CLI's is true
    for k, v in params.items():
        flag = FLAGS[k] if cmd == "allocation" else "--" + k
        args += [flag + "=" + v] if v in ("true", "false") else [flag, v]
    return subprocess.run(args, check=True, capture_output=True).stdout


def first_difference(a, b, path="$", tol=0.0):
    """The first JSON path where a and b differ (numbers within tol), or None."""
    if isinstance(a, dict) and isinstance(b, dict):
        if list(a.keys()) != list(b.keys()):
            return f"{path}: keys {list(a.keys())[:5]}… vs {list(b.keys())[:5]}…"
        for k in a:
            d = first_difference(a[k], b[k], f"{path}.{k}", tol)
            if d:
                return d
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} vs {len(b)} items"
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_difference(x, y, f"{path}[{i}]", tol)
            if d:
                return d
        return None
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return None if abs(a - b) <= tol * max(1.0, abs(b)) else f"{path}: {a} vs {b}"
    return None if a == b else f"{path}: {a!r} vs {b!r}"


def count_fields(x):
    if isinstance(x, dict):
        return sum(count_fields(v) for v in x.values()) + len(x)
    if isinstance(x, list):
        return sum(count_fields(v) for v in x)
    return 0


for q in QUERIES:
    name = "&".join(f"{k}={v}" for k, v in q.items())
    status, api = get("/allocation", q)
    mine = cli("allocation", q, "json")
    # shareCost is prorated by the clock ("now"), which moves between the two
    # calls (and a cached answer may be up to a minute old); every other
    # query must match byte for byte.
    tol = 1e-3 if "shareCost" in q else 0.0
    a, c = json.loads(api), json.loads(mine)
    diff = first_difference(a, c, tol=tol)
    ok(status == 200 and (api == mine or (tol and diff is None)),
       f"/allocation?{name}: {count_fields(a)} fields, {len(api)} bytes"
       + ("" if api == mine else f" (first difference {diff})"))
    if q is QUERIES[0]:
        _, compute = get("/allocation/compute", q)
        ok(compute == mine, "/allocation/compute answers the same bytes as the CLI")
        _, model = get("/model/allocation", q)
        ok(model == mine, "/model/allocation (Kubecost path) answers the same bytes")
        _, csv = get("/allocation", dict(q, format="csv"))
        ok(csv == cli("allocation", q, "csv"), "format=csv equals `allocation -o csv`")

for q in ({"window": "7d"}, {"window": "7d", "aggregate": "type"}, {"window": "3d", "aggregate": "cluster,provider"}):
    name = "&".join(f"{k}={v}" for k, v in q.items())
    _, api = get("/assets", q)
    mine = cli("assets", q, "json")
    ok(api == mine, f"/assets?{name} equals `assets -o json` ({len(api)} bytes)"
       + ("" if api == mine else f" ({first_difference(json.loads(api), json.loads(mine))})"))
    _, csv = get("/assets", dict(q, format="csv"))
    ok(csv == cli("assets", q, "csv"), f"/assets?{name}&format=csv equals `assets -o csv`")

_, api = get("/clusters", {})
mine = json.loads(subprocess.run([kt, "clusters", "--db", db, "-o", "json"], check=True, capture_output=True).stdout)
api = json.loads(api)
same = len(api["data"]) == len(mine["data"]) and all(
    all(a[k] == c[k] for k in c) for a, c in zip(api["data"], mine["data"]))
ok(same, f"/clusters has every field of `clusters -o json` for {len(mine['data'])} clusters")

# Totals: allocation (idle included) = assets, through the API.
_, alloc = get("/allocation", {"window": "7d", "aggregate": "cluster", "accumulate": "true", "includeIdle": "true"})
_, assets = get("/assets", {"window": "7d", "aggregate": "cluster"})
ta = sum(v["totalCost"] for s in json.loads(alloc)["data"] for v in s.values())
ts = sum(v["totalCost"] for v in json.loads(assets)["data"].values())  # OpenCost's /assets: one map
ok(abs(ta - ts) < 1e-3 * max(1, ts), f"allocation total {ta:.4f} = assets total {ts:.4f}")
sys.exit(1 if fails else 0)
