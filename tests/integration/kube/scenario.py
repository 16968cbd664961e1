"""scenario.py — kubetally collect against three real kube-apiservers.

Three API servers (AWS and GCP on one etcd with two prefixes, Azure on an
etcd of its own) stand for three clouds, each signed in to a different way:
a ServiceAccount token bound to the shipped ClusterRole
(deploy/kubetally-rbac.yaml), a client certificate, and an exec credential
plugin.  Two more contexts point at misbehaving endpoints
(malformed JSON, a server that never answers).  The test plays the kubelet:
it sets container startedAt/finishedAt itself, so every expected number is
exact and computed here by hand:

  core-hours = request cores × running seconds / 3600
  cost       = core-hours × the node's $/core-hour (OpenCost's split of the
               node's hourly price, checked against the formula below)

While the collector runs, the GCP API server is killed (SIGKILL) and
restarted, the Azure one is restarted after an etcd compaction (its watches
come back 410 Gone and must relist), nodes come and go, a pod is replaced on
another node and a namespace is deleted, and kubetally itself is killed -9
and restarted.  Nothing may be lost or doubled.

Usage: scenario.py KUBETALLY_BIN WORKDIR
"""
import calendar
import json
import os
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

KT, WORK = sys.argv[1], sys.argv[2]
DB = os.path.join(WORK, "kt.db")
FAILS = []
HERE = os.path.dirname(os.path.abspath(__file__))
GiB = 1024.0 ** 3


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        FAILS.append(what)


def close(a, b, tol):
    return abs(a - b) <= tol


def sleep_until(t):
    d = t - time.time()
    if d > 0:
        time.sleep(d)


def wait_for(cond, what, limit=180):
    """Poll cond() until it holds, at most `limit` s: on a loaded machine the
    collector may see and flush an event later than the script's schedule,
    so the script waits for what it needs instead of assuming a time."""
    deadline = time.time() + limit
    while time.time() < deadline:
        try:
            if cond():
                return True
        except (sqlite3.Error, ValueError, KeyError):
            pass
        time.sleep(0.5)
    check(False, "waited %d s for %s" % (limit, what))
    return False


def first_collector_flushed():
    """The first collector has flushed the ends it alone will know about:
    scratch-1 at exactly 50 s (events of one watch arrive in order, so web-2's
    earlier end and aws-n2's removal are in too) and batch-1 at 30 s."""
    db = sqlite3.connect(DB)
    try:
        tot = container_totals(db)
        A = "aws-prod-us-east-1"
        return (abs(tot[(A, "tmp", "scratch-1", "sh")][0] - 50) < 1e-6 and
                abs(tot[(A, "shop", "batch-1", "job")][0] - 30) < 1e-6)
    finally:
        db.close()


def real_clusters_healthy(since):
    """The restarted collector has reached the three real clusters (contact
    at or after `since`, no error): it has listed what is there now."""
    rc, out, _ = kt("clusters", "-o", "json")
    cl = {c["name"]: c for c in clusters_json(out)} if rc == 0 else {}
    def fresh(c):
        x = cl.get(c, {})
        t = x.get("lastContact") or ""
        return x.get("lastError", "x") == "" and t and \
            calendar.timegm(time.strptime(t[:19], "%Y-%m-%dT%H:%M:%S")) >= int(since)
    return all(fresh(c) for c in ("aws-prod-us-east-1", "gcp-eu-west1", "azure-westeurope"))


def hanging_reported(since):
    """The restarted collector has met the hanging cluster: its error is
    in the store (a restart begins with it clear, so the last check would
    otherwise depend on how long the restarted process ran)."""
    rc, out, _ = kt("clusters", "-o", "json")
    cl = {c["name"]: c for c in clusters_json(out)} if rc == 0 else {}
    return bool(cl.get("hanging", {}).get("lastError"))


# --- the fleet ---------------------------------------------------------------

def setup_servers():
    pki = harness.PKI(os.path.join(WORK, "pki"))
    # Azure gets an etcd of its own: the compaction its story needs must not
    # reach AWS's API server, whose watch cache would then send 410 Gone to a
    # watch resumed at a random moment, racing the pod replacement at S+35
    etcd = {"shared": harness.Etcd(WORK), "azure": harness.Etcd(os.path.join(WORK, "azure"))}
    binary = harness.kube_apiserver_binary()
    servers = {n: harness.APIServer(n, WORK, pki, etcd["azure" if n == "azure" else "shared"], binary)
               for n in ("aws", "gcp", "azure")}
    rbac = open(os.path.join(harness.ROOT, "deploy", "kubetally-rbac.yaml")).read()
    for s in servers.values():
        s.admin.apply_yaml_docs(rbac)
        s.admin.bind_reader("kubetally-cert")
        s.admin.bind_reader("kubetally-exec")
    return pki, etcd, servers


AWS_LABELS = {"topology.kubernetes.io/region": "us-east-1", "topology.kubernetes.io/zone": "us-east-1a",
              "node.kubernetes.io/instance-type": "m5.xlarge", "eks.amazonaws.com/capacityType": "ON_DEMAND",
              "eks.amazonaws.com/nodegroup": "general"}


def build_fleet(servers, S):
    aws, gcp, azure = servers["aws"].admin, servers["gcp"].admin, servers["azure"].admin
    aws.node("aws-n1", AWS_LABELS, "aws:///us-east-1a/i-0aaa0000000000001", 4, "16Gi")
    spot = dict(AWS_LABELS, **{"node.kubernetes.io/instance-type": "m5.large",
                               "eks.amazonaws.com/capacityType": "SPOT"})
    aws.node("aws-n2", spot, "aws:///us-east-1a/i-0aaa0000000000002", 2, "8Gi")
    aws.namespace("shop", {"team": "web"})
    aws.namespace("tmp")
    aws.pod("shop", "web-1", "aws-n1", [("app", "500m", "1Gi")], {"app": "web"}, owner=("ReplicaSet", "web-5d8f"))
    aws.pod("shop", "web-2", "aws-n2", [("app", "250m", "512Mi")], {"app": "web"}, owner=("ReplicaSet", "web-5d8f"))
    aws.pod("shop", "batch-1", "aws-n1", [("job", "1", "2Gi")], {"app": "batch"})
    aws.pod("tmp", "scratch-1", "aws-n1", [("sh", "100m", "128Mi")])
    for ns, name, ctrs in (("shop", "web-1", ["app"]), ("shop", "web-2", ["app"]), ("shop", "batch-1", ["job"]),
                           ("tmp", "scratch-1", ["sh"])):
        aws.pod_running(ns, name, ctrs, S)
    gcp.node("gcp-n1", {"topology.kubernetes.io/region": "europe-west1",
                        "topology.kubernetes.io/zone": "europe-west1-b",
                        "node.kubernetes.io/instance-type": "n2-standard-4",
                        "cloud.google.com/gke-nodepool": "pool-1"}, "gce://proj/europe-west1-b/gcp-n1", 4, "16Gi")
    gcp.namespace("analytics", {"team": "data"})
    gcp.pod("analytics", "etl-1", "gcp-n1", [("main", "1", "4Gi"), ("sidecar", "100m", "128Mi")])
    gcp.pod_running("analytics", "etl-1", ["main", "sidecar"], S)
    azure.node("azure-n1", {"topology.kubernetes.io/region": "westeurope",
                            "topology.kubernetes.io/zone": "westeurope-1",
                            "node.kubernetes.io/instance-type": "Standard_D4s_v5",
                            "kubernetes.azure.com/agentpool": "nodepool1"},
               "azure:///subscriptions/0000/resourceGroups/mc_rg/providers/Microsoft.Compute/"
               "virtualMachineScaleSets/aks-nodepool1-1/virtualMachines/0", 4, "16Gi")
    azure.namespace("billing", {"team": "finance"})
    azure.pod("billing", "api-1", "azure-n1", [("api", "750m", "2Gi")])
    azure.pod_running("billing", "api-1", ["api"], S)


def write_kubeconfig(path, pki, servers, sa_token, fake_ports, extra_users=""):
    plugin = os.path.join(WORK, "exec-plugin.sh")
    with open(plugin, "w") as f:
        f.write("#!/bin/sh\n# An exec credential plugin, as aws eks get-token is one.\n"
                "exp=$(date -u -d '+1 hour' +%%Y-%%m-%%dT%%H:%%M:%%SZ)\n"
                "echo \"$KT_PLUGIN_CALLED\" >> %s/plugin-calls\n"
                "printf '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
                "\"status\":{\"token\":\"%s\",\"expirationTimestamp\":\"%%s\"}}\\n' \"$exp\"\n"
                % (WORK, pki.exec_token))
    os.chmod(plugin, 0o755)
    ca = pki.path("ca.crt")
    az_port = servers["azure"].port
    with open(path, "w") as f:
        f.write("""apiVersion: v1
kind: Config
current-context: aws-prod-us-east-1
clusters:
- name: aws
  cluster:
    server: %s
    certificate-authority-data: %s
- name: gcp
  cluster:
    server: %s
    certificate-authority: %s
- name: azure
  cluster:
    server: https://127.0.0.1:%d
    certificate-authority: %s
    tls-server-name: kubernetes.test
- name: broken
  cluster:
    server: https://127.0.0.1:%d
    certificate-authority: %s
- name: hang
  cluster:
    server: https://127.0.0.1:%d
    certificate-authority: %s
- name: stall
  cluster:
    server: https://127.0.0.1:%d
    certificate-authority: %s
users:
- name: sa
  user:
    token: %s
- name: cert
  user:
    client-certificate: %s
    client-key: %s
- name: exec
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: %s
      env:
      - name: KT_PLUGIN_CALLED
        value: "yes"
      interactiveMode: Never
      provideClusterInfo: true
%scontexts:
- name: aws-prod-us-east-1
  context: {cluster: aws, user: sa}
- name: gcp-eu-west1
  context: {cluster: gcp, user: cert}
- name: azure-westeurope
  context: {cluster: azure, user: exec}
- name: broken-json
  context: {cluster: broken, user: sa}
- name: hanging
  context: {cluster: hang, user: sa}
- name: stalling
  context: {cluster: stall, user: sa}
""" % (servers["aws"].url, pki.b64("ca.crt"), servers["gcp"].url, ca, az_port, ca, fake_ports[0], ca,
       fake_ports[1], ca, fake_ports[2], ca, sa_token, pki.path("client.crt"), pki.path("client.key"), plugin,
       extra_users))


# --- reading the results -----------------------------------------------------

def container_totals(db):
    """(cluster, ns, pod, container) → (seconds, cpu core-hours, ram byte-hours) summed over hours."""
    q = """SELECT c.name, p.namespace, p.name, k.name, sum(h.seconds), sum(h.cpu_req), sum(h.ram_req)
           FROM container_h h JOIN containers k ON k.id = h.container_id JOIN pods p ON p.id = k.pod_id
           JOIN clusters c ON c.id = p.cluster_id GROUP BY 1, 2, 3, 4"""
    return {r[:4]: r[4:] for r in db.execute(q)}


def node_prices(db):
    q = """SELECT c.name, n.name, sum(h.hours), max(h.cpu_price), max(h.ram_price), max(h.hourly),
              n.cpu_cores, n.ram_bytes, min(h.source), n.provider, n.region, n.instance_type, n.spot
           FROM node_h h JOIN nodes n ON n.id = h.node_id JOIN clusters c ON c.id = n.cluster_id GROUP BY 1, 2"""
    return {(r[0], r[1]): r[2:] for r in db.execute(q)}


def meta(db, key):
    r = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return int(r[0]) if r else None


def clusters_json(text):
    """`kubetally clusters -o json` → the list of clusters."""
    j = json.loads(text)
    return j["data"] if isinstance(j, dict) else j


def kt(*args):
    r = subprocess.run([KT] + list(args) + ["--db", "sqlite:" + DB], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return r.returncode, r.stdout.decode(), r.stderr.decode()


# --- the run -----------------------------------------------------------------

def start_collector(kubeconfig, log):
    return subprocess.Popen([KT, "collect", "--kubeconfig", kubeconfig, "--all-contexts", "--db", "sqlite:" + DB,
                             "--flush-interval", "5s", "--watch-timeout", "20s", "--stall-timeout", "30s",
                             "--request-timeout", "4s", "--usage-interval", "10s", "--page-size", "2"],
                            stdout=log, stderr=subprocess.STDOUT,
                            env=dict(os.environ, KUBETALLY_LOG=os.environ.get("KUBETALLY_LOG", "info")))


def run_collector(pki, etcd, servers, kubeconfig, S):
    log = open(os.path.join(WORK, "collect.log"), "w")
    proc = start_collector(kubeconfig, log)
    aws, gcp = servers["aws"].admin, servers["gcp"].admin
    sleep_until(S + 15)
    servers["gcp"].kill()                                   # GCP's API server dies mid-watch…
    sleep_until(S + 22)
    servers["gcp"].start()                                  # …and comes back 7 s later
    aws.pod_succeeded("shop", "batch-1", ["job"], S, S + 30)  # a job ends at S+30
    sleep_until(S + 26)
    servers["azure"].stop()                                 # Azure's: compaction while it is down,
    etcd["azure"].compact()                                 # so every watch resumes 410 Gone
    servers["azure"].start()
    sleep_until(S + 35)
    aws.node("aws-n3", AWS_LABELS, "aws:///us-east-1a/i-0aaa0000000000003", 4, "16Gi")
    aws.pod_succeeded("shop", "web-2", ["app"], S, S + 40)  # web-2 ends on n2 at S+40 …
    aws.delete_pod("shop", "web-2")
    aws.delete("/api/v1/nodes/aws-n2")
    aws.pod("shop", "web-2", "aws-n3", [("app", "250m", "512Mi")], {"app": "web"}, owner=("ReplicaSet", "web-5d8f"))
    aws.pod_running("shop", "web-2", ["app"], S + 45)      # … and is replaced on n3 from S+45
    aws.pod_succeeded("tmp", "scratch-1", ["sh"], S, S + 50)
    sleep_until(S + 51)
    aws.delete_namespace("tmp")                             # a namespace deleted
    sleep_until(S + 58)
    wait_for(first_collector_flushed, "the first collector to flush scratch-1's and batch-1's ends")
    proc.kill()                                             # kubetally itself killed -9 …
    proc.wait()
    restarted = time.time()
    proc = start_collector(kubeconfig, log)                 # … and restarted: the old web-2 and scratch-1
    sleep_until(S + 70)                                     # are known only to the dead process
    wait_for(lambda: real_clusters_healthy(restarted),
             "the restarted collector to reach the three real clusters (slow to list under load)")
    wait_for(lambda: hanging_reported(restarted),
             "the restarted collector to record the hanging cluster's time-out (--request-timeout 4s)")
    proc.terminate()
    rc = proc.wait(timeout=60)
    log.close()
    check(rc == 0, "collect exits 0 on SIGTERM (rc=%d)" % rc)
    return open(log.name).read()


def check_costs(S, log_text, pki, sa_token):
    db = sqlite3.connect(DB)
    E = {c: meta(db, "live_flush:" + c) for c in ("aws-prod-us-east-1", "gcp-eu-west1", "azure-westeurope")}
    since = {c: meta(db, "live_since:" + c) for c in E}
    check(all(E.values()) and all(since.values()), "meta live_since/live_flush recorded: %s %s" % (since, E))
    check(all(s <= S for s in since.values()), "metering began before the pods' startedAt")
    tot = container_totals(db)
    A, G, Z = "aws-prod-us-east-1", "gcp-eu-west1", "azure-westeurope"
    # (cluster, ns, pod, container): (running seconds, cores, bytes), by hand:
    expect = {
        (A, "shop", "web-1", "app"): (E[A] - S, 0.5, 1 * GiB),          # running all along
        (A, "shop", "batch-1", "job"): (30, 1.0, 2 * GiB),              # S → S+30
        (A, "shop", "web-2", "app"): (40 + (E[A] - (S + 45)), 0.25, 512 * 2**20),  # S→S+40 on n2, S+45→E on n3
        (A, "tmp", "scratch-1", "sh"): (50, 0.1, 128 * 2**20),          # S → S+50, then its namespace is deleted
        (G, "analytics", "etl-1", "main"): (E[G] - S, 1.0, 4 * GiB),    # through a killed API server
        (G, "analytics", "etl-1", "sidecar"): (E[G] - S, 0.1, 128 * 2**20),
        (Z, "billing", "api-1", "api"): (E[Z] - S, 0.75, 2 * GiB),      # through a 410 relist
    }
    for k, (secs, cores, ram) in expect.items():
        got = tot.get(k, (0, 0, 0))
        check(close(got[0], secs, 1e-6) and close(got[1], cores * secs / 3600, 1e-9) and
              close(got[2], ram * secs / 3600, 1e-3),
              "%s/%s/%s/%s: %d s, %.6f core-h (got %.3f s, %.6f core-h)" % (k + (secs, cores * secs / 3600) + got[:2]))
    check(len(tot) == len(expect), "no container metered that should not be (%d rows)" % len(tot))
    nodes = node_prices(db)
    for (c, n), (hours, cpu_p, ram_p, hourly, cores, ram_b, src, prov, region, itype, spot) in nodes.items():
        # OpenCost's split: cores·cpu + GiB·ram = hourly, cpu/ram = 0.031611/0.004237
        check(close(cores * cpu_p + ram_b / GiB * ram_p, hourly, 1e-12) and
              close(cpu_p / ram_p, 0.031611 / 0.004237, 1e-9),
              "%s/%s (%s %s %s spot=%d): $%.5f/h = %g cores × $%.6f + %g GiB × $%.6f [%s]" %
              (c, n, prov, region, itype, spot, hourly, cores, cpu_p, ram_b / GiB, ram_p, src))
    check(close(nodes[(A, "aws-n1")][0], (E[A] - since[A]) / 3600, 1e-9), "aws-n1 node-hours = (E - since)/3600")
    check(nodes[(A, "aws-n1")][7] == "aws" and nodes[(A, "aws-n1")][8] == "us-east-1" and
          nodes[(G, "gcp-n1")][7] == "gcp" and nodes[(G, "gcp-n1")][8] == "europe-west1" and
          nodes[(Z, "azure-n1")][7] == "azure" and nodes[(Z, "azure-n1")][8] == "westeurope" and
          nodes[(A, "aws-n2")][10] == 1, "cloud, region and spot detected per node")
    check(0 < nodes[(A, "aws-n2")][0] * 3600 < E[A] - since[A] and (A, "aws-n3") in nodes,
          "a node removed and a node added mid-run")
    m = check_usage(db)
    # web-1 is allocated max(request, usage): 0.25 core more over its m measured hours
    check_allocation(S, E, nodes, expect, {("aws-prod-us-east-1", "web-1"): 0.25 * m})
    check_conservation(S)
    check("cluster azure-westeurope: watch" in log_text and "410 Gone" in log_text,
          "the Azure watches relisted after 410 Gone")
    check("cluster stalling: watch pod: no data for 30 s; resuming" in log_text,
          "a watch that sends nothing is abandoned after --stall-timeout and resumed")
    for secret in (sa_token, pki.exec_token, pki.admin_token, pki.kt_token):
        check(secret not in log_text, "no token in collect's log")
    return db


def check_usage(db):
    """web-1's usage came from metrics.k8s.io for part of its run: where measured,
    CPU counts max(request 0.5, usage 0.75) = usage and RAM max(1Gi, 512Mi) = the
    request; where not, usage = request.  So, with m = measured hours:
      cpu_use − cpu_req = (0.75 − 0.5)·m = cpu_alloc − cpu_req
      ram_req − ram_use = (1 GiB − 512 MiB)·m,  ram_alloc = ram_req."""
    r = db.execute("""SELECT sum(h.cpu_req), sum(h.cpu_use), sum(h.cpu_alloc), sum(h.ram_req), sum(h.ram_use),
                             sum(h.ram_alloc), max(h.measured), max(h.cpu_peak)
                      FROM container_h h JOIN containers k ON k.id = h.container_id JOIN pods p ON p.id = k.pod_id
                      WHERE p.name = 'web-1'""").fetchone()
    creq, cuse, calloc, rreq, ruse, ralloc, measured, peak = r
    m_cpu = (cuse - creq) / 0.25
    m_ram = (rreq - ruse) / (GiB - 512 * 2**20)
    # how long sampling ran depends on the machine's load: only that it ran is asserted
    check(measured == 1 and m_cpu > 0, "web-1 usage measured from metrics.k8s.io (for %.0f s)" % (m_cpu * 3600))
    check(close(calloc, cuse, 1e-12) and close(ralloc, rreq, 1e-3) and close(m_cpu, m_ram, 1e-9),
          "usage above request raises CPU allocation, below leaves RAM at request (%.6f = %.6f h measured)" %
          (m_cpu, m_ram))
    check(close(peak, 0.75, 1e-12), "CPU peak is the sampled 0.75 cores (%s)" % peak)
    other = db.execute("""SELECT max(h.measured), sum(abs(h.cpu_use - h.cpu_req)) FROM container_h h
                          JOIN containers k ON k.id = h.container_id JOIN pods p ON p.id = k.pod_id
                          WHERE p.name != 'web-1'""").fetchone()
    check(other[0] == 0 and close(other[1], 0, 1e-12), "pods without samples: usage = request, not measured")
    return m_cpu


def window(S):
    h = S - S % 3600
    return "%d,%d" % (h - 3600, h + 7200)


def check_allocation(S, E, nodes, expect, above_request):
    rc, out, err = kt("allocation", "--window", window(S), "--aggregate", "cluster,namespace,pod", "-o", "json")
    check(rc == 0, "allocation by cluster,namespace,pod answers (%s)" % err.strip())
    if rc:
        return
    rows = {}
    for k, v in json.loads(out)["data"][0].items():
        rows[k] = v
    node_of = {("aws-prod-us-east-1", "web-1"): "aws-n1", ("aws-prod-us-east-1", "batch-1"): "aws-n1",
               ("gcp-eu-west1", "etl-1"): "gcp-n1", ("azure-westeurope", "api-1"): "azure-n1"}
    for (c, ns, pod, ctr), (secs, cores, ram) in expect.items():
        if (c, pod) not in node_of or ctr == "sidecar":
            continue
        n = nodes[(c, node_of[(c, pod)])]
        key = "%s/%s/%s" % (c, ns, pod)
        r = rows.get(key, {})
        side = expect.get((c, ns, pod, "sidecar"))
        ch = cores * secs / 3600 + (side[1] * side[0] / 3600 if side else 0) + above_request.get((c, pod), 0)
        gh = ram * secs / 3600 / GiB + (side[2] * side[0] / 3600 / GiB if side else 0)
        # cost = core-hours × $/core-h + GiB-hours × $/GiB-h (5-decimal rounding in the JSON);
        # totalCost also carries the shared EKS/GKE fee, so CPU and RAM are compared
        got = r.get("cpuCost", -1) + r.get("ramCost", -1)
        check(close(r.get("cpuCoreHours", -1), ch, 1e-5) and close(r.get("cpuCost", -1), ch * n[1], 1e-5) and
              close(got, ch * n[1] + gh * n[2], 2e-5),
              "%s: %.5f core-h, cpu $%.5f, cpu+ram $%.5f (got %s, %s, %.5f)" %
              (key, ch, ch * n[1], ch * n[1] + gh * n[2], r.get("cpuCoreHours"), r.get("cpuCost"), got))


def check_conservation(S):
    rc, out, _ = kt("allocation", "--window", window(S), "--aggregate", "cluster", "-o", "json")
    rc2, out2, _ = kt("assets", "--window", window(S), "-o", "json")
    if rc or rc2:
        check(False, "allocation and assets answer")
        return
    alloc = sum(v["totalCost"] for v in json.loads(out)["data"][0].values())
    assets = json.loads(out2)["data"]
    assets = assets[0] if isinstance(assets, list) else assets
    total = sum(v.get("totalCost", 0) for v in assets.values())
    check(close(alloc, total, 1e-4), "conservation: Σ allocations + idle $%.5f = Σ assets $%.5f" % (alloc, total))


def check_health():
    rc, out, _ = kt("clusters", "-o", "json")
    cl = {c["name"]: c for c in clusters_json(out)} if rc == 0 else {}
    b, h = cl.get("broken-json", {}), cl.get("hanging", {})
    check("malformed" in b.get("lastError", ""), "broken-json cluster reports: %s" % b.get("lastError"))
    check("Timeout" in h.get("lastError", "") or "timed out" in h.get("lastError", ""),
          "hanging cluster reports: %s" % h.get("lastError"))
    for c in ("aws-prod-us-east-1", "gcp-eu-west1", "azure-westeurope"):
        x = cl.get(c, {})
        check(x.get("lastError", "x") == "" and x.get("lastContact") and x.get("provider") in ("aws", "gcp", "azure"),
              "%s healthy at the end: provider %s, last contact %s, error '%s'" %
              (c, x.get("provider"), x.get("lastContact"), x.get("lastError")))


def check_bad_credentials(pki, servers, fake_ports):
    """Wrong CA, a rejected token, a failing exec plugin: a clear error each, no secret printed."""
    bad_token = "expired-" + pki.kt_token[3:]
    fail_plugin = os.path.join(WORK, "failing-plugin.sh")
    with open(fail_plugin, "w") as f:
        f.write("#!/bin/sh\necho 'error: refresh failed: token=SECRETVALUE123 expired' >&2\nexit 1\n")
    os.chmod(fail_plugin, 0o755)
    cfg = os.path.join(WORK, "bad-kubeconfig")
    with open(cfg, "w") as f:
        f.write("""apiVersion: v1
kind: Config
clusters:
- name: wrong-ca
  cluster: {server: %s, certificate-authority-data: %s}
- name: ok
  cluster: {server: %s, certificate-authority-data: %s}
users:
- name: bad-token
  user: {token: %s}
- name: failing-exec
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: %s, interactiveMode: Never}
contexts:
- name: wrong-ca
  context: {cluster: wrong-ca, user: bad-token}
- name: expired-token
  context: {cluster: ok, user: bad-token}
- name: failing-exec
  context: {cluster: ok, user: failing-exec}
""" % (servers["aws"].url, pki.b64("other-ca.crt"), servers["aws"].url, pki.b64("ca.crt"), bad_token, fail_plugin))
    db = os.path.join(WORK, "bad.db")
    r = subprocess.run([KT, "collect", "--kubeconfig", cfg, "--all-contexts", "--db", "sqlite:" + db, "--duration",
                        "6s", "--flush-interval", "2s", "--usage-interval", "0"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = r.stdout.decode()
    with open(os.path.join(WORK, "bad-collect.log"), "w") as f:
        f.write(out)
    check(r.returncode == 0, "collect with bad credentials keeps running and exits 0 after --duration")
    st = subprocess.run([KT, "clusters", "-o", "json", "--db", "sqlite:" + db], stdout=subprocess.PIPE).stdout.decode()
    errs = {c["name"]: c["lastError"] for c in clusters_json(st)}
    check("certificate" in errs.get("wrong-ca", "").lower() or "ssl" in errs.get("wrong-ca", "").lower(),
          "wrong CA: %s" % errs.get("wrong-ca"))
    check("401" in errs.get("expired-token", ""), "rejected token: %s" % errs.get("expired-token"))
    check("failing-plugin.sh" in errs.get("failing-exec", ""), "failing exec plugin: %s" % errs.get("failing-exec"))
    for secret in (bad_token, "SECRETVALUE123"):
        check(secret not in out and secret not in st, "no secret in logs or `kubetally clusters`")


def main():
    os.makedirs(WORK, exist_ok=True)
    pki, etcd, servers = setup_servers()
    fakes = []
    try:
        sa_token = servers["aws"].admin.service_account_token("kubetally", "kubetally")
        fake_ports = [harness.free_port(), harness.free_port(), harness.free_port()]
        for port, mode in zip(fake_ports, ("malformed", "hang", "stall")):
            fakes.append(subprocess.Popen([sys.executable, os.path.join(HERE, "fake_api.py"), str(port),
                                           pki.path("server.crt"), pki.path("server.key"), mode]))
        # AWS serves metrics.k8s.io through the real aggregator, from a stand-in metrics-server:
        # web-1's app uses 750m CPU (above its 500m request) and 512Mi (below its 1Gi)
        mport = harness.free_port()
        fakes.append(subprocess.Popen([sys.executable, os.path.join(HERE, "fake_metrics.py"), str(mport),
                                       pki.path("server.crt"), pki.path("server.key"),
                                       json.dumps({"shop/web-1": {"app": ["750m", "512Mi"]}})]))
        servers["aws"].admin.aggregate_metrics(harness.host_ipv4(), mport)
        cfg = os.path.join(WORK, "kubeconfig")
        write_kubeconfig(cfg, pki, servers, sa_token, fake_ports)
        S = int(time.time()) + 12  # after the fleet is built and the collector started
        build_fleet(servers, S)
        log_text = run_collector(pki, etcd, servers, cfg, S)
        check_costs(S, log_text, pki, sa_token)
        check_health()
        check_bad_credentials(pki, servers, fake_ports)
    finally:
        for f in fakes:
            f.kill()
        for s in servers.values():
            s.stop()
        for e in etcd.values():
            e.stop()
    print("%d failed" % len(FAILS))
    sys.exit(1 if FAILS else 0)


if __name__ == "__main__":
    main()
