#!/usr/bin/env python3
"""The OpenCost mixin's dashboards through a real Prometheus scraping kubetally.

Starts Debian's prometheus on loopback scraping `kubetally serve` (job
"kubetally", honor_labels: true as docs/api.md says), with the mixin's
recording rules (prometheus_rules.yaml, evaluated every 2 s instead of 5 m so
the test does not wait) and one stand-in for kube-prometheus's
namespace_workload_pod:kube_pod_owner:relabel (workload = the pod owner's name,
workload_type = its kind), which the workload dashboard's variables read.
Fills each dashboard variable the way Grafana would (label_values of its
query) and sends every panel's expression as an instant query: each must
answer with at least one series.

usage: mixin.py KUBETALLY DB KUBETALLY_PORT MIXIN_DIR TMPDIR
"""
import glob
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

kt, db, kport, mixin, tmp = sys.argv[1:6]
fails = 0


def ok(cond, what):
    global fails
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        fails += 1


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


pdir = os.path.join(tmp, "prom")
os.makedirs(pdir, exist_ok=True)
rules = open(os.path.join(mixin, "prometheus_rules.yaml")).read().replace('"interval": "5m"', '"interval": "2s"')
open(os.path.join(pdir, "mixin_rules.yaml"), "w").write(rules)
open(os.path.join(pdir, "owner_rules.yaml"), "w").write("""groups:
- name: kube-prometheus-stand-in
  interval: 2s
  rules:
  - record: namespace_workload_pod:kube_pod_owner:relabel
    expr: max by (cluster, namespace, pod, workload, workload_type) (label_replace(label_replace(kube_pod_owner{owner_is_controller="true"}, "workload", "$1", "owner_name", "(.+)"), "workload_type", "$1", "owner_kind", "(.+)"))
""")
pport = free_port()
open(os.path.join(pdir, "prometheus.yml"), "w").write(f"""global:
  scrape_interval: 1s
  evaluation_interval: 2s
rule_files: [mixin_rules.yaml, owner_rules.yaml]
scrape_configs:
  - job_name: kubetally
    honor_labels: true
    static_configs: [{{targets: ["127.0.0.1:{kport}"]}}]
""")
log = open(os.path.join(pdir, "prometheus.log"), "w")
prom = subprocess.Popen(["prometheus", f"--config.file={pdir}/prometheus.yml", f"--storage.tsdb.path={pdir}/data",
                         f"--web.listen-address=127.0.0.1:{pport}"], stdout=log, stderr=log)


errors = []


def query(expr):
    """The result vector; None (and the message kept in errors) when Prometheus refuses the query."""
    url = f"http://127.0.0.1:{pport}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            d = json.loads(r.read())
    except urllib.error.HTTPError as e:
        errors.append(json.loads(e.read() or b"{}").get("error", str(e)))
        return None
    return d["data"]["result"] if d.get("status") == "success" else None


def wait_for(expr, tries=120):
    """Poll (0.5 s apart, bounded) until expr has a series: scrapes and rule runs are asynchronous."""
    for _ in range(tries):
        try:
            if query(expr):
                return True
        except OSError:
            pass
        time.sleep(0.5)
    return False


try:
    ok(wait_for('up{job="kubetally"} == 1'), "Prometheus scrapes kubetally")
    ok(wait_for("workload:opencost_cpu_cost:sum") and wait_for("namespace_workload_pod:kube_pod_owner:relabel"),
       "the mixin's recording rules produce series")
    # honor_labels keeps the exported instance (the node): the mixin joins on it
    r = query('count by (instance) (node_total_hourly_cost)')
    ok(r and all(not s["metric"]["instance"].startswith("127.0.0.1") for s in r),
       f"node series keep their exported instance label ({len(r or [])} nodes)")

    def label_values(expr, label):
        r = query(expr) or []
        return sorted({s["metric"].get(label, "") for s in r})

    pvc_namespaces = set(label_values("kube_persistentvolumeclaim_info", "namespace"))
    total = answered = 0
    for path in sorted(glob.glob(os.path.join(mixin, "dashboards_out", "*.json"))):
        d = json.load(open(path))
        var = {"datasource": "prometheus", "__rate_interval": "5m", "__range": "1h", "__interval": "1m"}
        for v in d.get("templating", {}).get("list", []):
            q = v.get("query")
            q = q.get("query") if isinstance(q, dict) else q
            m = re.match(r"label_values\((.*),\s*(\w+)\)$", q or "")
            if not m:
                continue
            expr = re.sub(r"\$(\w+)", lambda x: var.get(x.group(1), ""), m.group(1))
            vals = label_values(expr, m.group(2))
            # Grafana shows the first value; pick one with claims so the PV panels have data to show
            with_pvc = [x for x in vals if v["name"] == "namespace" and x in pvc_namespaces]
            var[v["name"]] = (with_pvc or vals or [""])[0]
            # a variable that lists nothing leaves every panel empty
            ok(v["name"] == "cluster" or bool(vals), f"{os.path.basename(path)}: ${v['name']} = {var[v['name']]!r} "
                                                    f"({len(vals)} values)")
        exprs = []

        def walk(o):
            if isinstance(o, dict):
                for t in o.get("targets", []) if isinstance(o.get("targets"), list) else []:
                    if "expr" in t:
                        exprs.append((o.get("title", "?"), t["expr"]))
                for x in o.values():
                    walk(x)
            elif isinstance(o, list):
                for x in o:
                    walk(x)
        walk(d.get("panels", []))
        empty, history = [], []
        for title, e in exprs:
            # week-over-week panels (offset 7d, [7d:1h], [1d:1h]) need days of scrapes a fresh Prometheus lacks
            if re.search(r"offset\s+\d+d|\[\d+d:", e):
                history.append(title)
                continue
            q = re.sub(r"\$\{?(\w+)(?::\w+)?\}?", lambda x: var.get(x.group(1), ""), e)
            total += 1
            r = query(q)
            if r is None and errors:
                print(f"  error: {title}: {errors[-1][:300]}")
            if r:
                answered += 1
            else:
                empty.append(title)
        ok(not empty, f"{os.path.basename(path)}: {len(exprs) - len(empty) - len(history)}/{len(exprs) - len(history)} "
                      f"panel queries answer" + (f"; empty: {empty}" if empty else ""))
        if history:
            print(f"note {os.path.basename(path)}: {len(history)} panel queries need days of history, not run: {history}")
    print(f"mixin: {answered}/{total} panel queries answer")
finally:
    prom.terminate()
    prom.wait(timeout=30)
    log.close()

print(f"mixin: {'all passed' if not fails else str(fails) + ' failed'}")
sys.exit(1 if fails else 0)
