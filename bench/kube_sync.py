"""kube_sync.py — first full sync of a big cluster: kubetally vs kubectl.

One real kube-apiserver (tests/integration/kube/harness.py) holds NODES nodes
and PODS running pods (default 2,000 and 100,000).  In the same run:
  kubectl get pods -A -o json      wall time and peak RSS (/usr/bin/time)
  kubetally collect                time until every resource is listed
                                   ("synced in … s" in its log), RSS then,
                                   and peak RSS after its first flush
  raw download                     the same paginated pod list (same page
                                   size, same TLS, no compression, no
                                   decoding): the floor a sync can reach
and the ratios.  Targets: kubetally faster than kubectl's list, its first
sync within 1.2x of the raw download, and at most 1 KiB of resident memory
per pod.

With --keep-posture (what serve keeps for /posture and /health) the
sync is measured again, and again at page size 5000 against the raw
download at 5000; the difference is what the posture fields cost.  The
checks themselves are timed on demand (`kubetally posture|health`).

Population: node 0 and pod 0 are made through the API server and cloned
straight into its etcd (populate_etcd: 100,000 pods in about a minute,
where creating them through the API server ran at ~14 pods/s on this
shared machine); POPULATE=api creates every object through the API server.

Usage: python3 bench/kube_sync.py [PODS] [NODES]   (KUBETALLY_BIN, KUBECTL to override;
       SKIP_KUBECTL=1, SKIP_CHECKS=1 leave those steps out; POPULATE=api)
"""
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.error
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration", "kube"))
import harness  # noqa: E402

PODS = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
NODES = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
KT = os.environ.get("KUBETALLY_BIN", os.path.join(ROOT, "build", "kubetally"))


TEAMS = ["checkout", "search", "payments", "ads", "ml", "data", "platform", "web"]


def retried(f, *a, **kw):
    """A loaded API server answers 500 ("resource quota evaluation timed
    out") or 429 now and then: try again, a few times."""
    for attempt in range(6):
        try:
            return f(*a, **kw)
        except RuntimeError as e:
            if attempt and "HTTP 409" in str(e):
                return None  # the failed-looking try had created it
            if attempt == 5 or not re.search(r"HTTP (500|429|504)", str(e)):
                raise
            time.sleep(1 + attempt)


def node_labels(i):
    return {"topology.kubernetes.io/region": "us-east-1", "topology.kubernetes.io/zone": "us-east-1%s" % "abc"[i % 3],
            "node.kubernetes.io/instance-type": "m5.4xlarge", "eks.amazonaws.com/nodegroup": "ng-%d" % (i % 10)}


def pod_facts(i):
    """Pod i: namespace, name, node, labels, owner."""
    return ("ns-%03d" % (i % 200), "app-%06d" % i, "node-%04d" % (i % NODES),
            {"app": "app-%d" % (i % 500), "team": TEAMS[i % len(TEAMS)], "tier": "backend",
             "pod-template-hash": "5d8f7c9b4"}, ("ReplicaSet", "app-%d-5d8f7c9b4" % (i % 500)))


CONTAINERS = [("app", "250m", "512Mi"), ("sidecar", "50m", "64Mi")]


def make_pod(c, i, started):
    ns, name, node, labels, owner = pod_facts(i)
    retried(c.pod, ns, name, node, CONTAINERS, labels, owner=owner)
    retried(c.pod_running, ns, name, [n for n, _, _ in CONTAINERS], started)


def populate_api(api, started):
    """Every node and pod through the API server (two calls a pod: create,
    then the status subresource), 16 threads: ~14 pods/s on a loaded
    2-core machine."""
    c = api.admin
    with concurrent.futures.ThreadPoolExecutor(16) as ex:
        list(ex.map(lambda i: c.node("node-%04d" % i, node_labels(i), "aws:///us-east-1a/i-%017x" % i, 16, "64Gi"),
                    range(NODES)))
        t0 = time.time()
        for k, _ in enumerate(ex.map(lambda i: make_pod(c, i, started), range(PODS))):
            if k and k % 10000 == 0:
                print("  %d pods created (%.0f/s)" % (k, k / (time.time() - t0)), flush=True)


def populate_etcd(api, etcd, started):
    """The API server's own objects, written straight into its etcd: node 0
    and pod 0 are created through the API server (defaulted, admitted, their
    status set as a kubelet would), read back, and cloned for every other
    node and pod with its own name, uid, labels, node and owner; the clones
    go to etcd under the API server's prefix in transactions of 100 puts,
    4 at a time.  The API server reads what is in etcd (JSON is one of the
    encodings its storage decoder recognises), so the lists the sync
    downloads are the same bytes as if every object had been created
    through it — at etcd's speed rather than admission's."""
    import base64
    import uuid
    c = api.admin
    c.node("node-0000", node_labels(0), "aws:///us-east-1a/i-%017x" % 0, 16, "64Gi")
    make_pod(c, 0, started)
    node_t = json.dumps(c.call("GET", "/api/v1/nodes/node-0000"))
    pod_t = json.dumps(c.call("GET", "/api/v1/namespaces/ns-000/pods/app-000000"))

    def b64(b):
        return base64.b64encode(b).decode()

    def clone(template, key, edit):
        o = json.loads(template)
        o["metadata"].pop("resourceVersion", None)   # etcd's revision is the object's version
        o["metadata"]["uid"] = str(uuid.uuid4())
        edit(o)
        return {"requestPut": {"key": b64(("/%s/%s" % (api.name, key)).encode()),
                               "value": b64(json.dumps(o, separators=(",", ":")).encode())}}

    def node_edit(i):
        def edit(o):
            o["metadata"]["name"] = "node-%04d" % i
            o["metadata"]["labels"].update(node_labels(i))
            o["spec"]["providerID"] = "aws:///us-east-1a/i-%017x" % i
        return edit

    def pod_edit(i):
        ns, name, node, labels, owner = pod_facts(i)

        def edit(o):
            m = o["metadata"]
            m["name"], m["namespace"], m["labels"] = name, ns, labels
            m["ownerReferences"][0]["name"] = owner[1]
            o["spec"]["nodeName"] = node
        return edit

    def put(ops):
        req = urllib.request.Request(etcd.client + "/v3/kv/txn", data=json.dumps({"success": ops}).encode(),
                                     method="POST")
        try:
            urllib.request.urlopen(req, timeout=120).read()
        except urllib.error.HTTPError as e:
            raise RuntimeError("etcd txn: HTTP %d: %s" % (e.code, e.read()[:300].decode(errors="replace")))

    def objects():
        for i in range(1, NODES):
            yield clone(node_t, "minions/node-%04d" % i, node_edit(i))
        for i in range(1, PODS):
            ns, name = pod_facts(i)[:2]
            yield clone(pod_t, "pods/%s/%s" % (ns, name), pod_edit(i))

    def chunks():   # etcd takes at most 128 operations in a transaction
        ops = []
        for op in objects():
            ops.append(op)
            if len(ops) == 100:
                yield ops
                ops = []
        if ops:
            yield ops

    t0, done = time.time(), 0
    with concurrent.futures.ThreadPoolExecutor(4) as ex:
        pending = set()
        for ops in chunks():   # at most 8 transactions in flight: clones are made as etcd takes them
            pending.add(ex.submit(put, ops))
            if len(pending) >= 8:
                finished, pending = concurrent.futures.wait(pending, return_when=concurrent.futures.FIRST_COMPLETED)
                for f in finished:
                    f.result()
                    done += 1
                    if done % 100 == 0:
                        print("  %d objects written (%.0f/s)" % (done * 100, done * 100 / (time.time() - t0)),
                              flush=True)
        for f in pending:
            f.result()
    # the API server sees them: its pod list counts them all
    for _ in range(600):
        page = c.call("GET", "/api/v1/pods?limit=1")
        if 1 + page["metadata"].get("remainingItemCount", 0) >= PODS:
            return
        time.sleep(0.5)
    raise RuntimeError("the API server does not list the %d pods written to etcd" % PODS)


def populate(api, etcd, started):
    c = api.admin
    for i in range(200):
        c.namespace("ns-%03d" % i, {"team": TEAMS[i % len(TEAMS)]})
    if os.environ.get("POPULATE") == "api":
        populate_api(api, started)
    else:
        populate_etcd(api, etcd, started)


def kubeconfig(path, api, pki):
    with open(path, "w") as f:
        f.write("apiVersion: v1\nkind: Config\ncurrent-context: big\nclusters:\n- name: big\n  cluster:\n"
                "    server: %s\n    certificate-authority: %s\nusers:\n- name: admin\n  user:\n    token: %s\n"
                "contexts:\n- name: big\n  context: {cluster: big, user: admin}\n"
                % (api.url, pki.path("ca.crt"), pki.admin_token))


def time_kubectl(cfg):
    kubectl = os.environ.get("KUBECTL") or shutil.which("kubectl")
    if not kubectl:
        return None, None
    out = subprocess.run(["/usr/bin/time", "-f", "%e %M", kubectl, "--kubeconfig", cfg, "get", "pods", "-A", "-o",
                          "json"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).stderr.decode().split()
    return float(out[-2]), int(out[-1]) * 1024


def time_raw(api, page):
    """Download every page of /api/v1/pods as kubetally lists it, keeping
    nothing: the continue token is read from the page's metadata, which the
    API server writes before the items."""
    import http.client
    import ssl
    c = api.admin
    conn = http.client.HTTPSConnection(c.host, int(c.port), context=c.ctx, timeout=120)
    t0, cont, total, pages = time.time(), "", 0, 0
    while True:
        path = "/api/v1/pods?limit=%d" % page + ("&continue=" + urllib.parse.quote(cont) if cont else "")
        conn.request("GET", path, headers={"Authorization": "Bearer " + c.token, "Accept": "application/json"})
        body = conn.getresponse().read()
        total, pages = total + len(body), pages + 1
        m = re.search(rb'"continue":"([^"]*)"', body[:4096])
        cont = m.group(1).decode() if m else ""
        if not cont:
            break
    return time.time() - t0, total, pages


def rss(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for ln in f:
            if ln.startswith(field + ":"):
                return int(ln.split()[1]) * 1024
    return 0


def cpu_seconds(pid):
    """User + system CPU time of the process so far (utime, stime in /proc/PID/stat)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def time_kubetally(api, cfg, work, extra=(), page=500):
    """One `kubetally collect` (a fresh store each time): its first sync,
    the CPU it spent by then, RSS at sync, after the first flush, and peak;
    and, just before it, the raw download at its page size, so the two
    meet the same neighbours' load (on a shared machine a raw download
    minutes earlier is no floor), with the API server's CPU during each."""
    tag = "-".join(a.strip("-") for a in extra) or "plain"
    log = os.path.join(work, "collect-%s.log" % tag)
    api_cpu = cpu_seconds(api.proc.pid)
    raw = time_raw(api, page)
    raw_api_cpu = cpu_seconds(api.proc.pid) - api_cpu
    load = os.getloadavg()[0]
    api_cpu = cpu_seconds(api.proc.pid)
    t0 = time.time()
    p = subprocess.Popen([KT, "collect", "--kubeconfig", cfg, "--db", "sqlite:" + os.path.join(work, "kt-%s.db" % tag),
                          "--flush-interval", "15s", "--usage-interval", "0"] + list(extra), stderr=open(log, "w"))
    synced = sync_rss = cpu = None
    while time.time() - t0 < 600 and p.poll() is None:
        m = re.search(r"synced in ([0-9.]+) s", open(log).read())
        if m:
            synced, sync_rss, cpu = float(m.group(1)), rss(p.pid, "VmRSS"), cpu_seconds(p.pid)
            api_cpu = cpu_seconds(api.proc.pid) - api_cpu
            break
        time.sleep(0.05)
    time.sleep(20)  # past the first flush of every pod
    after_flush, peak = rss(p.pid, "VmRSS"), rss(p.pid, "VmHWM")
    p.terminate()
    p.wait()
    return {"synced": synced, "sync_rss": sync_rss, "flush_rss": after_flush, "peak": peak, "cpu": cpu,
            "log": open(log).read(), "raw": raw, "raw_api_cpu": raw_api_cpu, "api_cpu": api_cpu, "load": load}


def report(name, r):
    raw_s, raw_bytes, raw_pages = r["raw"]
    print("%-34s: raw download just before %.2f s (%.0f MB, %d pages; API server CPU %.1f s); first sync %.2f s "
          "(%.2fx raw; API server CPU %.1f s), kubetally CPU %.2f s by then, RSS %.1f MiB at sync (%.0f B/pod), "
          "%.1f MiB after first flush, peak %.1f MiB (%.0f B/pod); load average %.1f"
          % (name, raw_s, raw_bytes / 1e6, raw_pages, r["raw_api_cpu"], r["synced"], r["synced"] / raw_s,
             r["api_cpu"], r["cpu"], r["sync_rss"] / 2**20, r["sync_rss"] / PODS, r["flush_rss"] / 2**20,
             r["peak"] / 2**20, r["peak"] / PODS, r["load"]))


def time_posture(cfg):
    """The checks themselves, on demand: `kubetally posture` and `health`
    over the whole cluster (list everything, audit), wall time and peak RSS."""
    out = {}
    for cmd in ("posture", "health"):
        r = subprocess.run(["/usr/bin/time", "-f", "%e %M", KT, cmd, "--kubeconfig", cfg, "--context", "big", "-o", "json"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if r.returncode not in (0, 1):
            out[cmd] = None
            continue
        t, m = r.stderr.decode().split()[-2:]
        out[cmd] = (float(t), int(m) * 1024)
    return out


def main():
    work = tempfile.mkdtemp(prefix="kt-bench-")
    pki = harness.PKI(os.path.join(work, "pki"))
    etcd = harness.Etcd(work)
    api = harness.APIServer("big", work, pki, etcd, harness.kube_apiserver_binary())
    try:
        t = time.time()
        populate(api, etcd, int(time.time()) - 3600)
        print("populated %d nodes, %d pods in %.0f s" % (NODES, PODS, time.time() - t))
        cfg = os.path.join(work, "kubeconfig")
        kubeconfig(cfg, api, pki)
        kc_s, kc_rss = time_kubectl(cfg) if not os.environ.get("SKIP_KUBECTL") else (None, None)
        plain = time_kubetally(api, cfg, work)
        kept = time_kubetally(api, cfg, work, ["--keep-posture"])
        kept5k = time_kubetally(api, cfg, work, ["--keep-posture", "--page-size", "5000"], 5000)
        checks = time_posture(cfg) if not os.environ.get("SKIP_CHECKS") else {}
        print()
        for r in (plain, kept, kept5k):
            if r["synced"] is None:
                print("kubetally never synced; log tail:\n" + r["log"][-2000:])
                sys.exit(1)
        report("kubetally collect (no posture)", plain)
        report("kubetally collect --keep-posture", kept)
        report("  ... --page-size 5000", kept5k)
        print("posture fields add: %+.2f s to the first sync, %+.0f B/pod at sync, %+.0f B/pod peak"
              % (kept["synced"] - plain["synced"], (kept["sync_rss"] - plain["sync_rss"]) / PODS,
                 (kept["peak"] - plain["peak"]) / PODS))
        synced, peak = kept["synced"], kept["peak"]
        print("ratio (first sync with posture fields / raw download): %.2fx at limit 500, %.2fx at limit 5000 "
              "(target <= 1.2x)" % (synced / kept["raw"][0], kept5k["synced"] / kept5k["raw"][0]))
        for cmd, v in checks.items():
            print("kubetally %s (on demand: list all, check): %s" % (
                cmd, "failed" if v is None else "%.2f s, peak RSS %.1f MiB" % (v[0], v[1] / 2**20)))
        if kc_s is not None:
            print("kubectl get pods -A -o json : %.2f s, peak RSS %.1f MiB" % (kc_s, kc_rss / 2**20))
            print("ratio (kubectl / kubetally): time %.2fx, peak memory %.2fx" % (kc_s / synced, kc_rss / peak))
        else:
            print("kubectl not found (set KUBECTL): no peer measured")
        print("target: faster than kubectl's list: %s; <= 1 KiB RSS per pod: %s" %
              ("yes" if kc_s and synced < kc_s else "no", "yes" if peak / PODS <= 1024 else "no"))
    finally:
        api.stop()
        etcd.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
