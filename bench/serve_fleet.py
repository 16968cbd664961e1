"""serve_fleet.py — one `kubetally serve --all-contexts` watching a fleet:
CLUSTERS real kube-apiservers (default 10) of PODS running pods each
(default 5,000, on NODES nodes each, default 50), all in one process.

The API servers share one etcd, each under its own --etcd-prefix
(tests/integration/kube/harness.py, as the kube tests run three clouds);
no kubelet runs: the script creates Nodes and Pods and patches their
status, as KWOK does.  One kubeconfig names every server as a context.

Printed: time until every cluster has synced (kubetally's "synced in" log
line, one per cluster) and the process's resident memory then; resident
memory after the first flush of every cluster (each cluster's
last_contact in the store, read from outside the process); its peak
(VmHWM); and bytes per pod.  Target (issue 15): under 100 MB resident.
Prints numbers; asserts nothing about speed.

Usage: python3 bench/serve_fleet.py [CLUSTERS] [PODS] [NODES]
       (KUBETALLY_BIN to override the binary, FLUSH the flush interval in s, default 60;
        SERVERS=N starts only N API servers and points the CLUSTERS contexts at them in
        turn: a cheaper repro for kubetally's side, whose clusters then hold the same
        objects under different names; the issue's number is with SERVERS = CLUSTERS)
"""
import concurrent.futures
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration", "kube"))
sys.path.insert(0, os.path.join(ROOT, "bench"))
import harness  # noqa: E402
from kube_sync import rss  # noqa: E402

CLUSTERS = int(sys.argv[1]) if len(sys.argv) > 1 else 10
PODS = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
NODES = int(sys.argv[3]) if len(sys.argv) > 3 else 50
KT = os.environ.get("KUBETALLY_BIN", os.path.join(ROOT, "build", "kubetally"))
FLUSH = int(os.environ.get("FLUSH", "60"))  # seconds between flushes (kubetally's default: 1m)
SERVERS = min(int(os.environ.get("SERVERS", CLUSTERS)), CLUSTERS)
TEAMS = ["checkout", "search", "payments", "ads", "ml", "data", "platform", "web"]


def populate(apis, started):
    """Every cluster's nodes, 50 namespaces and pods, all servers at once."""
    def node(job):
        k, i = job
        apis[k].admin.node("node-%03d" % i, {"topology.kubernetes.io/region": "us-east-1",
                                             "topology.kubernetes.io/zone": "us-east-1%s" % "abc"[i % 3],
                                             "node.kubernetes.io/instance-type": "m5.4xlarge"},
                           "aws:///us-east-1a/i-%02d%015x" % (k, i), 16, "64Gi")

    def namespace(job):
        k, i = job
        apis[k].admin.namespace("ns-%02d" % i, {"team": TEAMS[i % len(TEAMS)]})

    def pod(job):
        k, i = job
        c, ns, name = apis[k].admin, "ns-%02d" % (i % 50), "app-%05d" % i
        c.pod(ns, name, "node-%03d" % (i % NODES), [("app", "100m", "256Mi"), ("sidecar", "10m", "32Mi")],
              {"app": "app-%d" % (i % 250), "team": TEAMS[i % len(TEAMS)], "pod-template-hash": "5d8f7c9b4"},
              owner=("ReplicaSet", "app-%d-5d8f7c9b4" % (i % 250)))
        c.pod_running(ns, name, ["app", "sidecar"], started)

    with concurrent.futures.ThreadPoolExecutor(16) as ex:
        list(ex.map(node, [(k, i) for k in range(len(apis)) for i in range(NODES)]))
        list(ex.map(namespace, [(k, i) for k in range(len(apis)) for i in range(50)]))
        t0 = time.time()
        jobs = [(k, i) for i in range(PODS) for k in range(len(apis))]  # interleaved: every server busy
        for n, _ in enumerate(ex.map(pod, jobs), 1):
            if n % 10000 == 0:
                print("  %d pods created (%.0f/s)" % (n, n / (time.time() - t0)), flush=True)


def kubeconfig(path, apis, pki):
    with open(path, "w") as f:
        f.write("apiVersion: v1\nkind: Config\ncurrent-context: c0\nusers:\n- name: admin\n  user:\n"
                "    token: %s\nclusters:\n" % pki.admin_token)
        for k in range(CLUSTERS):
            f.write("- name: c%d\n  cluster:\n    server: %s\n    certificate-authority: %s\n"
                    % (k, apis[k % len(apis)].url, pki.path("ca.crt")))
        f.write("contexts:\n")
        for k in range(CLUSTERS):
            f.write("- name: c%d\n  context: {cluster: c%d, user: admin}\n" % (k, k))


def flushed(db):
    """How many clusters have been written (last_contact set by a flush)."""
    try:
        c = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=5)
        n = c.execute("SELECT count(*) FROM clusters WHERE last_contact > 0").fetchone()[0]
        c.close()
        return n
    except sqlite3.Error:
        return 0


def run_serve(cfg, work):
    log, db = os.path.join(work, "serve.log"), os.path.join(work, "kt.db")
    port = harness.free_port()
    t0 = time.time()
    p = subprocess.Popen([KT, "serve", "--kubeconfig", cfg, "--all-contexts", "--db", "sqlite:" + db,
                          "--listen", "127.0.0.1:%d" % port, "--flush-interval", "%ds" % FLUSH,
                          "--usage-interval", "0"], stdout=subprocess.DEVNULL, stderr=open(log, "w"))
    out = {}
    try:
        while time.time() - t0 < 900 and p.poll() is None:
            if len(re.findall(r"synced in [0-9.]+ s", open(log).read())) >= CLUSTERS:
                out["synced"], out["sync_rss"] = time.time() - t0, rss(p.pid, "VmRSS")
                break
            time.sleep(0.1)
        if "synced" in out:
            end = time.time() + 4 * FLUSH + 120
            while time.time() < end and p.poll() is None and flushed(db) < CLUSTERS:
                time.sleep(0.5)
            if flushed(db) >= CLUSTERS:
                out["flushed"], out["flush_rss"] = time.time() - t0, rss(p.pid, "VmRSS")
                time.sleep(2 * FLUSH)  # a second flush of every cluster: the steady state
                out["steady_rss"] = rss(p.pid, "VmRSS")
        out["peak"] = rss(p.pid, "VmHWM") if p.poll() is None else 0
    finally:
        p.terminate()
        p.wait()
    out["log"] = open(log).read()
    return out


def mib(b):
    return "%.1f MiB (%.1f MB)" % (b / 2**20, b / 1e6)


def main():
    work = tempfile.mkdtemp(prefix="kt-bench-fleet-")
    pki = harness.PKI(os.path.join(work, "pki"))
    etcd = harness.Etcd(work)
    binary = harness.kube_apiserver_binary()
    apis = []
    try:
        t = time.time()
        for k in range(SERVERS):  # one at a time: each start is CPU-heavy
            apis.append(harness.APIServer("c%d" % k, work, pki, etcd, binary))
        print("%d API servers up (one etcd, prefixes /c0…/c%d) in %.0f s" % (SERVERS, SERVERS - 1, time.time() - t),
              flush=True)
        t = time.time()
        populate(apis, int(time.time()) - 3600)
        print("populated %d API servers × (%d nodes, %d pods) in %.0f s" % (SERVERS, NODES, PODS, time.time() - t),
              flush=True)
        cfg = os.path.join(work, "kubeconfig")
        kubeconfig(cfg, apis, pki)
        r = run_serve(cfg, work)
        total = CLUSTERS * PODS
        print()
        if "synced" not in r:
            print("kubetally serve never synced every cluster; log tail:\n" + r["log"][-3000:])
            sys.exit(1)
        print("kubetally serve --all-contexts: %d clusters × %d pods = %d pods, one process" % (CLUSTERS, PODS, total))
        print("  every cluster synced after %.1f s: RSS %s, %.0f B/pod" % (r["synced"], mib(r["sync_rss"]),
                                                                           r["sync_rss"] / total))
        if "flushed" in r:
            print("  every cluster flushed after %.1f s: RSS %s, %.0f B/pod" % (r["flushed"], mib(r["flush_rss"]),
                                                                                r["flush_rss"] / total))
            print("  after a further %d s (second flush): RSS %s" % (2 * FLUSH, mib(r["steady_rss"])))
        else:
            print("  not every cluster flushed within %d s" % (4 * FLUSH + 120))
        print("  peak RSS (VmHWM) %s" % mib(r["peak"]))
        print("  target: resident memory under 100 MB: %s" % ("yes" if r["peak"] < 100e6 else "no"))
    finally:
        for a in apis:
            a.stop()
        etcd.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
