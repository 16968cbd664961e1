#!/usr/bin/env python3
"""kubectl-cost's requests against kubetally, decoded as its Go types decode them.

kubectl-cost needs Go 1.23 and modules that cannot be fetched here, so this
sends exactly the requests its source builds (github.com/kubecost/kubectl-cost,
read at its default branch; file:line below) and checks each answer the way
encoding/json would decode it into kubectl-cost's structs: a JSON type that
does not fit the Go field is an error there, so it is a failure here.  Then
the numbers are compared with `kubetally allocation|assets -o json`.

Requests (QueryBackendOptions defaults, pkg/query/options.go:109-111:
allocation path /model/allocation, or /allocation/compute with --opencost):
  getConfigs      pkg/query/configapi.go:40       GET /model/getConfigs          -> data.currencyCode
  namespace       pkg/cmd/cost.go:135-140 + pkg/cmd/aggregatedcommandbuilder.go:73-82
                  GET /model/allocation?window=1d&aggregate=cluster,namespace&accumulate=true
                      &includeIdle=true&idle=true&filterNamespaces=
  deployment      pkg/cmd/cost.go:141-146          aggregate=cluster,namespace,deployment (+ -n NS)
  controller      pkg/cmd/cost.go:147-152          aggregate=cluster,namespace,controller
  pod             pkg/cmd/cost.go:153-158          aggregate=cluster,namespace,pod
  label           pkg/cmd/label.go:70,81-89        aggregate=cluster,label:KEY, no filterNamespaces
  tui             pkg/cmd/tui.go:278-285           aggregate=cluster,namespace, includeIdle=true only
  node            pkg/cmd/node.go:69-74 + pkg/query/assetsapi.go:38-46
                  GET /model/assets?window=1d&accumulate=true&filterTypes=Node
  predict         pkg/cmd/predict.go:140 + pkg/query/clusterinfo.go:37  GET /model/clusterInfo -> data.id
                  pkg/cmd/predict.go:151-162 + pkg/query/prediction_speccost.go:53-59
                  POST /model/prediction/speccost?noUsage=false&windowAvgUsage=…&windowResourceCost=…
                      &clusterID=…&defaultNamespace=…  body: the manifests -> []SpecCostDiff (:24-32)
Response structs: allocationResponse{Code int; Data []map[string]opencost.Allocation}
(pkg/query/allocation.go:20-23), assetResponse{Code int; Data []map[string]AssetNode}
(pkg/query/assetsapi.go:14-17, AssetNode :77-101), configsResponse (configapi.go:13-17),
clusterinfoResponse (clusterinfo.go:13-17).
"""
import calendar
import json
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from datetime import datetime

base, kt, db = sys.argv[1], sys.argv[2], sys.argv[3]
from checks import ok, done


def post(path, params, body):
    q = "?" + urllib.parse.urlencode(sorted(params.items()))
    req = urllib.request.Request(base + path + q, data=body, method="POST")
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.status, r.read()


def get(path, params=None):
    # Go's url.Values.Encode sorts keys and keeps empty values (filterNamespaces=)
    q = "?" + urllib.parse.urlencode(sorted(params.items())) if params else ""
    with urllib.request.urlopen(base + path + q, timeout=30) as r:
        return r.status, r.read()


# --- encoding/json's view of the fields kubectl-cost decodes -------------
def is_num(v):  # float64: a number or null (null leaves the zero value)
    return v is None or (isinstance(v, (int, float)) and not isinstance(v, bool))


def is_str(v):
    return v is None or isinstance(v, str)


def is_time(v):  # time.Time: RFC3339 string
    if not isinstance(v, str):
        return False
    try:
        datetime.strptime(v, "%Y-%m-%dT%H:%M:%SZ")
        return True
    except ValueError:
        return False


def str_map(v):
    return v is None or (isinstance(v, dict) and all(isinstance(x, str) for x in v.values()))


ALLOC_NUMS = ["minutes", "cpuCoreRequestAverage", "cpuCoreUsageAverage", "cpuCoreHours", "cpuCost",
              "cpuCostAdjustment", "cpuEfficiency", "gpuHours", "gpuCost", "gpuCostAdjustment",
              "networkTransferBytes", "networkReceiveBytes", "networkCost", "networkCrossZoneCost",
              "networkCrossRegionCost", "networkInternetCost", "networkCostAdjustment", "loadBalancerCost",
              "loadBalancerCostAdjustment", "pvBytes", "pvByteHours", "pvCost", "pvCostAdjustment", "ramBytes",
              "ramByteRequestAverage", "ramByteUsageAverage", "ramByteHours", "ramCost", "ramCostAdjustment",
              "ramEfficiency", "externalCost", "sharedCost", "totalCost", "totalEfficiency", "cpuCores"]
PROP_STRS = ["cluster", "node", "container", "controller", "controllerKind", "namespace", "pod", "providerID"]


def decode_allocation(a):
    """Problems opencost.Allocation's UnmarshalJSON would have with one entry."""
    errs = []
    if not isinstance(a, dict):
        return ["not an object"]
    if not is_str(a.get("name")):
        errs.append("name")
    for k in ALLOC_NUMS:
        if k in a and not is_num(a[k]):
            errs.append(k)
    for k in ("start", "end"):
        if not is_time(a.get(k)):
            errs.append(k)
    w = a.get("window")
    if not (isinstance(w, dict) and is_time(w.get("start")) and is_time(w.get("end"))):
        errs.append("window")
    p = a.get("properties")
    if p is not None:
        if not isinstance(p, dict):
            errs.append("properties")
        else:
            errs += ["properties." + k for k in PROP_STRS if k in p and not is_str(p[k])]
            if "services" in p and not (isinstance(p["services"], list) and all(isinstance(s, str) for s in p["services"])):
                errs.append("properties.services")
            errs += ["properties." + k for k in ("labels", "annotations") if k in p and not str_map(p[k])]
    pvs = a.get("pvs")
    if pvs is not None:  # map[PVKey]*PVAllocation, PVKey from "cluster=C:name=N"
        for k, v in pvs.items():
            if not (k.startswith("cluster=") and ":name=" in k and is_num(v.get("byteHours")) and is_num(v.get("cost"))):
                errs.append("pvs")
    lbs = a.get("lbAllocations")
    if lbs is not None:
        for v in lbs.values():
            if not (is_str(v.get("service")) and is_num(v.get("cost")) and isinstance(v.get("private"), bool)):
                errs.append("lbAllocations")
    return errs


def decode_range(body, decode_one):
    d = json.loads(body)
    if not isinstance(d.get("code"), int) or not isinstance(d.get("data"), list):
        return None, ["code/data: data must be a JSON array ([]map[string]…)"]
    errs = []
    for s in d["data"]:
        if not isinstance(s, dict):
            errs.append("set is not an object")
            continue
        for name, v in s.items():
            errs += [f"{name}: {e}" for e in decode_one(v)]
    return d["data"], errs


ASSET_NUMS = ["minutes", "cpuCores", "ramBytes", "cpuCoreHours", "ramByteHours", "GPUHours", "preemptible",
              "discount", "cpuCost", "gpuCost", "gpuCount", "ramCost", "adjustment", "totalCost"]


def decode_asset_node(a):
    errs = [k for k in ASSET_NUMS if k in a and not is_num(a[k])]
    errs += [k for k in ("type", "start", "end", "nodeType") if k in a and not is_str(a[k])]
    p = a.get("properties")
    if p is not None and not (isinstance(p, dict) and all(is_str(v) for v in p.values())):
        errs.append("properties")
    if not str_map(a.get("labels")):
        errs.append("labels")
    for k in ("cpuBreakdown", "ramBreakdown"):
        b = a.get(k)
        if b is not None and not (isinstance(b, dict) and all(is_num(b.get(x)) for x in ("idle", "other", "system", "user"))):
            errs.append(k)
    return errs


def cli(*args):
    return subprocess.run([kt, *args, "--db", db, "-o", "json"], check=True, capture_output=True).stdout


def total(sets):
    return sum(v["totalCost"] for s in sets for v in s.values())


# getConfigs and clusterInfo
st, body = get("/model/getConfigs")
cfg = json.loads(body)
ok(st == 200 and isinstance(cfg["data"].get("currencyCode"), str) and cfg["data"]["currencyCode"] == "USD",
   f"/model/getConfigs: currencyCode {cfg['data'].get('currencyCode')!r}")
st, body = get("/model/clusterInfo")
ci = json.loads(body)
clusters = json.loads(subprocess.run([kt, "clusters", "--db", db, "-o", "json"], check=True, capture_output=True).stdout)
first = sorted(c["name"] for c in clusters["data"])[0]
ok(st == 200 and ci["data"]["id"] == first, f"/model/clusterInfo: id {ci['data'].get('id')!r} (first cluster {first!r})")

# the allocation commands: decode, and the same bytes as the CLI for the same query
commands = [
    ("namespace", "cluster,namespace", {"filterNamespaces": ""}, True),
    ("deployment", "cluster,namespace,deployment", {"filterNamespaces": ""}, True),
    ("deployment -n kube-system", "cluster,namespace,deployment", {"filterNamespaces": "kube-system"}, True),
    ("controller", "cluster,namespace,controller", {"filterNamespaces": ""}, True),
    ("pod", "cluster,namespace,pod", {"filterNamespaces": ""}, True),
    ("label --label team", "cluster,label:team", {}, True),
    ("tui", "cluster,namespace", {}, False),
]
for name, agg, extra, idle_too in commands:
    params = {"window": "1d", "aggregate": agg, "accumulate": "true", "includeIdle": "true", **extra}
    if idle_too:
        params["idle"] = "true"
    for path in ("/model/allocation", "/allocation/compute"):  # default, and --opencost
        st, body = get(path, params)
        sets, errs = decode_range(body, decode_allocation)
        ok(st == 200 and not errs and sets is not None and len(sets) == 1,
           f"kubectl cost {name} ({path}): 200, decodes as []map[string]opencost.Allocation" +
           (f": {errs[:3]}" if errs else ""))
    args = ["allocation", "--window", "1d", "--aggregate", agg, "--accumulate"]
    if extra.get("filterNamespaces"):
        args += ["--filter", f'namespace:"{extra["filterNamespaces"]}"']
    mine = cli(*args)
    ok(body == mine, f"kubectl cost {name}: same bytes as `kubetally {' '.join(args)} -o json` "
                     f"(total {total(json.loads(mine)['data']):.5f})")
    if name == "deployment -n kube-system":
        names = {v["properties"].get("namespace") for v in sets[0].values() if not v["name"].endswith("__idle__")}
        ok(names <= {"kube-system"}, f"filterNamespaces=kube-system keeps only kube-system ({sorted(names)})")

# node: /model/assets as a range of AssetNode maps, Node rows only
st, body = get("/model/assets", {"window": "1d", "accumulate": "true", "filterTypes": "Node"})
sets, errs = decode_range(body, decode_asset_node)
ok(st == 200 and not errs and sets is not None and len(sets) == 1,
   "kubectl cost node: /model/assets decodes as []map[string]AssetNode" + (f": {errs[:3]}" if errs else ""))
nodes = sets[0] if sets else {}
mine = json.loads(cli("assets", "--window", "1d"))["data"]
want = {k: v for k, v in mine.items() if v["type"] == "Node"}
ok(set(nodes) == set(want) and all(v["type"] == "Node" for v in nodes.values()),
   f"filterTypes=Node: the {len(want)} nodes of `kubetally assets --window 1d`, nothing else")
got_total, want_total = sum(v["totalCost"] for v in nodes.values()), sum(v["totalCost"] for v in want.values())
ok(abs(got_total - want_total) < 1e-9, f"node total {got_total:.5f} = CLI {want_total:.5f}")
bd = [v for v in nodes.values() if "cpuBreakdown" in v]
ok(len(bd) == len(nodes) and all(abs(v["cpuBreakdown"]["idle"] + v["cpuBreakdown"]["user"] - 1) < 1e-4 for v in bd),
   "every node has cpuBreakdown/ramBreakdown with idle + user = 1")

# predict: a Deployment that exists (its cost now is "before") and a new Pod with a GPU
alloc = json.loads(cli("allocation", "--window", "2d", "--aggregate", "cluster,namespace,controllerKind,controller",
                       "--filter", f'cluster:"{first}"'))["data"][0]
existing = max((v for v in alloc.values() if v["properties"].get("controllerKind") == "deployment"),
               key=lambda v: v["cpuCoreHours"])
ns, ctl = existing["properties"]["namespace"], existing["properties"]["controller"]
spec = f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: {ctl}, namespace: {ns}}}
spec:
  replicas: 3
  template:
    spec:
      containers:
      - {{name: app, resources: {{requests: {{cpu: 500m, memory: 1Gi}}}}}}
      - {{name: sidecar, resources: {{limits: {{cpu: 100m, memory: 128Mi}}}}}}
---
apiVersion: v1
kind: Pod
metadata: {{name: debug}}
spec: {{containers: [{{name: x, resources: {{requests: {{cpu: '1', memory: 2Gi}}}}}}]}}
""".encode()
params = {"noUsage": "false", "windowAvgUsage": "2d", "windowResourceCost": "7d", "clusterID": ci["data"]["id"],
          "defaultNamespace": "default"}
t_req = time.time()
st, body = post("/model/prediction/speccost", params, spec)
diffs = json.loads(body)
PRED = ["totalMonthlyRate", "cpuMonthlyRate", "ramMonthlyRate", "gpuMonthlyRate", "monthlyCPUCoreHours",
        "monthlyRAMByteHours", "monthlyGPUHours"]
shape = isinstance(diffs, list) and all(
    all(is_str(d.get(k)) for k in ("namespace", "controllerKind", "controllerName")) and
    all(isinstance(d.get(c), dict) and all(is_num(d[c].get(f)) for f in PRED)
        for c in ("costBefore", "costAfter", "costChange")) for d in diffs)
ok(st == 200 and shape and len(diffs) == 2, "kubectl cost predict: POST /model/prediction/speccost decodes as []SpecCostDiff")
if shape and len(diffs) == 2:
    dep, pod = diffs
    # after: (0.5 + 0.1) cores × 3 × 730 h = 1314 core-h; (1 GiB + 128 MiB) × 3 × 730 = 2463.75 GiB-h
    ok(abs(dep["costAfter"]["monthlyCPUCoreHours"] - 1314) < 1e-6 and
       abs(dep["costAfter"]["monthlyRAMByteHours"] - 2463.75 * 2**30) < 1,
       f"after: {dep['costAfter']['monthlyCPUCoreHours']} core-h, {dep['costAfter']['monthlyRAMByteHours']:.0f} byte-h a month")
    # before: the controller's core-hours over the 2d window so far, scaled to 730 h
    w = existing["window"]
    start = calendar.timegm(time.strptime(w["start"], "%Y-%m-%dT%H:%M:%SZ"))
    end = min(calendar.timegm(time.strptime(w["end"], "%Y-%m-%dT%H:%M:%SZ")), t_req)
    want = existing["cpuCoreHours"] * 730 / ((end - start) / 3600)
    got = dep["costBefore"]["monthlyCPUCoreHours"]
    ok(abs(got - want) <= 1e-3 * want, f"before: {ns}/{ctl} {got:.2f} core-h a month = CLI {want:.2f}")
    ok(abs(dep["costChange"]["totalMonthlyRate"] - (dep["costAfter"]["totalMonthlyRate"] - dep["costBefore"]["totalMonthlyRate"])) < 1e-4,
       "change = after − before")
    ok(pod["namespace"] == "default" and pod["costBefore"]["totalMonthlyRate"] == 0 and pod["costAfter"]["monthlyCPUCoreHours"] == 730,
       "a new Pod lands in defaultNamespace, costs nothing before and 730 core-h after")

sys.exit(done("kubectl-cost"))
