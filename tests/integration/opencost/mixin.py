#!/usr/bin/env python3
"""The OpenCost mixin's dashboards through a real Prometheus scraping kubetally.

Starts Debian's prometheus on loopback scraping `kubetally serve` (job
"kubetally", honor_labels: true as docs/api.md says), with the mixin's
recording rules (prometheus_rules.yaml, evaluated every 2 s instead of 5 m so
the test does not wait) and one stand-in for kube-prometheus's
namespace_workload_pod:kube_pod_owner:relabel (workload = the pod owner's name,
workload_type = its kind), which the workload dashboard's variables read.
History: eight days backfilled with promtool from kubetally's /metrics (see backfill()).
Fills each dashboard variable the way Grafana would (label_values of its
query) and sends every panel's expression as an instant query: each must
answer with at least one series.

usage: mixin.py KUBETALLY DB KUBETALLY_PORT MIXIN_DIR TMPDIR
"""
import calendar
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
from checks import ok, done


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


def backfill(now):
    """Eight days of history from kubetally's current /metrics, for the week-over-week panels
    (offset 7d, [7d:1h], [1d:1h]): one point per hour on the hour (subquery steps), and every
    5 minutes within 30 minutes of now-7d and now-30d (the offset lookups).  OpenMetrics wants each family's
    samples together, so it is written family by family, series by series, time ascending."""
    with urllib.request.urlopen(f"http://127.0.0.1:{kport}/metrics", timeout=30) as r:
        text = r.read().decode()
    fams, order = {}, []
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, typ = line.split()
            fams[name] = {"type": typ, "series": []}
            order.append(name)
        elif line and not line.startswith("#"):
            name = re.match(r"[a-zA-Z_:][a-zA-Z0-9_:]*", line).group(0)
            if name in fams and fams[name]["type"] in ("gauge", "untyped"):
                head, value = line.rsplit(" ", 1)
                labels = head[len(name):].strip("{}")
                extra = 'job="kubetally"' + ("" if re.search(r'(^|,)instance="', labels) else f',instance="127.0.0.1:{kport}"')
                fams[name]["series"].append(f"{name}{{{labels + ',' if labels else ''}{extra}}} {value}")
    t0 = (now - 8 * 86400) // 3600 * 3600
    times = set(range(t0, now - 3 * 3600, 3600))
    for back in (7, 30):  # the panels compare with offset 7d and offset 30d
        times |= set(range(now - back * 86400 - 1800, now - back * 86400 + 1800, 300))
    times = sorted(times)
    om = os.path.join(pdir, "history.om")
    with open(om, "w") as f:
        for name in order:
            fam = fams[name]
            if fam["type"] not in ("gauge", "untyped") or not fam["series"]:
                continue
            f.write(f"# TYPE {name} {'gauge' if fam['type'] == 'gauge' else 'unknown'}\n")
            for series in fam["series"]:
                f.writelines(f"{series} {t}\n" for t in times)
        f.write("# EOF\n")
    subprocess.run(["promtool", "tsdb", "create-blocks-from", "openmetrics", om, os.path.join(pdir, "data")],
                   check=True, stdout=subprocess.DEVNULL)
    return sum(len(fams[n]["series"]) for n in order if fams[n]["type"] in ("gauge", "untyped")) * len(times)


started = int(time.time())
print(f"backfilled {backfill(started)} samples of history")
log = open(os.path.join(pdir, "prometheus.log"), "w")
prom = subprocess.Popen(["prometheus", f"--config.file={pdir}/prometheus.yml", f"--storage.tsdb.path={pdir}/data",
                         f"--web.listen-address=127.0.0.1:{pport}",
                         "--storage.tsdb.retention.time=60d"], stdout=log, stderr=log)


errors = []


def query(expr, at=None):
    """The result vector; None (and the message kept in errors) when Prometheus refuses the query."""
    args = {"query": expr, **({"time": str(at)} if at else {})}
    url = f"http://127.0.0.1:{pport}/api/v1/query?" + urllib.parse.urlencode(args)
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
    # The workload panels average recorded series over [1h:5m] subqueries, whose steps sit on
    # 5-minute boundaries: the first one after the rules' first run is where a dashboard opened
    # then would first show them.  Ask at that instant (at most 5 minutes ahead, answered from the
    # newest samples) instead of waiting for it.
    at = (int(time.time()) // 300 + 1) * 300
    # An instant query sees samples up to 5 minutes old: just after a boundary `at` is nearly 5
    # minutes ahead, and the newest scrape or rule run (1 s and 2 s apart, later under load) may be
    # older than at - 5m, which empties every panel.  Wait for the clock to leave a minute's margin
    # (bounded: at most 60 s), then for a sample inside the margin.
    while at - time.time() > 240:
        time.sleep(1)
    ok(wait_for("time() - timestamp(up{job=\"kubetally\"}) < 30") and
       wait_for("time() - timestamp(workload:opencost_cpu_cost:sum) < 30"),
       "fresh samples for the dashboards' instant")
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
            expr = re.sub(r"\$([A-Za-z_]\w*)", lambda x: var.get(x.group(1), ""), m.group(1))
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
        empty, skipped = [], 0
        for title, e in exprs:
            # The mixin's workload:opencost_pvc_cost:sum rule reads kube-state-metrics' own
            # kube_pod_spec_volumes_persistentvolumeclaims_info{job="kube-state-metrics"}, which neither
            # OpenCost nor kubetally exports: without kube-state-metrics this panel is empty for both.
            if "workload:opencost_pvc_cost:sum" in e and " or " not in e:
                print(f"note {os.path.basename(path)}: '{title}' needs kube-state-metrics (job=\"kube-state-metrics\"); not run")
                skipped += 1
                continue
            q = re.sub(r"\$\{?([A-Za-z_]\w*)(?::\w+)?\}?", lambda x: var.get(x.group(1), ""), e)
            total += 1
            r = query(q, at)
            if r is None and errors:
                print(f"  error: {title}: {errors[-1][:300]}")
            if r:
                answered += 1
            else:
                empty.append(title)
        ok(not empty, f"{os.path.basename(path)}: {len(exprs) - skipped - len(empty)}/{len(exprs) - skipped} panel queries answer"
                      + (f"; empty: {empty}" if empty else ""))
    print(f"mixin: {answered}/{total} panel queries answer")

    # "Namespace Monthly Cost" (overview) against kubetally's own figure for the same hour: the
    # panel multiplies each container's hour-average allocation by its node's CPU and RAM rates
    # × 730; kubetally's allocation for the newest stored hour, cpuCost + ramCost × 730, is the
    # same product, except where usage above requests is scaled down on a full node (docs/cost-model.md).
    # Stated error: 1 % per namespace.
    clusters = json.loads(subprocess.run([kt, "clusters", "--db", db, "-o", "json"], check=True,
                                         capture_output=True).stdout)["data"]
    newest = max(c["lastFact"] for c in clusters)
    start = calendar.timegm(time.strptime(newest, "%Y-%m-%dT%H:%M:%SZ"))
    mine = json.loads(subprocess.run([kt, "allocation", "--db", db, "--window", f"{start},{start + 3600}",
                                      "--aggregate", "namespace", "-o", "json"], check=True,
                                     capture_output=True).stdout)["data"][0]
    panel = query('sum(sum(container_memory_allocation_bytes{job="kubetally"}) by (namespace, instance) '
                  '* on(instance) group_left() (node_ram_hourly_cost{job="kubetally"} / (1024 * 1024 * 1024) * 730) '
                  '+ sum(container_cpu_allocation{job="kubetally"}) by (namespace, instance) '
                  '* on(instance) group_left() (node_cpu_hourly_cost{job="kubetally"} * 730)) by (namespace)') or []
    worst = 0
    for s_ in panel:
        ns, v = s_["metric"]["namespace"], float(s_["value"][1])
        a = mine.get(ns)
        want = (a["cpuCost"] + a["ramCost"]) * 730 if a else 0
        worst = max(worst, abs(v - want) / want if want else 1)
    ok(panel and worst <= 0.01, f"Namespace Monthly Cost = kubetally (cpuCost + ramCost) × 730 for the newest hour "
                                f"({newest}), {len(panel)} namespaces, worst difference {worst:.4%} (≤ 1 %)")
finally:
    prom.terminate()
    prom.wait(timeout=30)
    log.close()

sys.exit(done("mixin"))
