"""scenario.py — usage from the kubelet Summary API through a real
kube-apiserver's node proxy (`kubetally collect --kubelet-stats`).

One kube-apiserver (one etcd) with --kubelet-certificate-authority and a
kubelet client certificate; node n1's status.addresses InternalIP and
status.daemonEndpoints.kubeletEndpoint.Port point at fake_kubelet.py, which
demands that client certificate.  kubetally signs in as the kubetally
service account of deploy/kubetally-rbac.yaml:

  1. with that file alone, nodes/proxy is forbidden: the collector says so
     (once) and meters requests only;
  2. with deploy/kubetally-kubelet-stats-rbac.yaml applied too, the
     Summary API's numbers reach the store:
       web-1/app  request 500m, 1Gi   — kubelet: 750000000 nanocores, 512Mi
       tiny/main  request 100m, 128Mi — kubelet:  50000000 nanocores,  64Mi
       claim shop/data-a (PV vol-a, 10Gi): used 3Gi, then 4Gi, then 2Gi
     and `kubetally savings volumes` sizes vol-a from its 4Gi peak.
Waits are bounded polls.

Usage: scenario.py KUBETALLY_BIN WORKDIR
"""
import json
import math
import os
import sqlite3
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "kube"))
import harness  # noqa: E402

KT, WORK = sys.argv[1], sys.argv[2]
ROOT = harness.ROOT
GiB, MiB = 2**30, 2**20
FAILS = []
LABELS = {"topology.kubernetes.io/region": "us-east-1", "topology.kubernetes.io/zone": "us-east-1a",
          "node.kubernetes.io/instance-type": "m5.xlarge", "eks.amazonaws.com/capacityType": "ON_DEMAND"}
TABLE = os.path.join(WORK, "kubelet.json")
COUNT = os.path.join(WORK, "kubelet.count")


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        FAILS.append(what)


def close(a, b, rel):
    return a is not None and b is not None and abs(a - b) <= rel * max(abs(a), abs(b), 1e-300)


def wait(cond, what, tries=120):
    """Poll cond() every half second (bounded); the last value is returned."""
    v = None
    for _ in range(tries):
        v = cond()
        if v:
            return v
        time.sleep(0.5)
    check(False, what)
    return v


def write_table(used):
    table = {"node": "n1", "pods": {
        "shop/web-1": {"containers": {"app": [750000000, 512 * MiB]}, "network": [1000, 500],
                       "volumes": {"data-a": [used, 10 * GiB]}},
        "shop/tiny": {"containers": {"main": [50000000, 64 * MiB]}, "network": [0, 0]}}}
    with open(TABLE + ".tmp", "w") as f:
        json.dump(table, f)
    os.replace(TABLE + ".tmp", TABLE)


def served():
    try:
        with open(COUNT) as f:
            return int(f.read() or 0)
    except OSError:
        return 0


def kubelet_cert(pki, ip):
    """The stand-in kubelet's serving certificate, for its non-loopback IP."""
    p = pki.path
    with open(p("kubelet.ext"), "w") as f:
        f.write("subjectAltName=IP:%s\n" % ip)
    pki._signed("kubelet", "/CN=n1", ext=p("kubelet.ext"))


def build(api, ip, port, S):
    api.node("n1", LABELS, "aws:///us-east-1a/i-0ccc0000000000001", 4, "16Gi")
    api.patch_status("/api/v1/nodes/n1", {"addresses": [{"type": "InternalIP", "address": ip}],
                                          "daemonEndpoints": {"kubeletEndpoint": {"Port": port}}})
    api.namespace("shop", {"team": "web"})
    api.create("/api/v1/persistentvolumes", {"metadata": {"name": "vol-a"}, "spec": {
        "capacity": {"storage": "10Gi"}, "accessModes": ["ReadWriteOnce"], "storageClassName": "gp3",
        "claimRef": {"namespace": "shop", "name": "data-a"},
        "csi": {"driver": "ebs.csi.aws.com", "volumeHandle": "vol-0aaaaaaaaaaaaaaaa"}}})
    api.create("/api/v1/namespaces/shop/persistentvolumeclaims",
               {"metadata": {"name": "data-a"}, "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "gp3",
                                                         "volumeName": "vol-a",
                                                         "resources": {"requests": {"storage": "10Gi"}}}})
    api.pod("shop", "web-1", "n1", [("app", "500m", "1Gi")], {"app": "web"}, owner=("ReplicaSet", "web-7c9d"),
            claims=("data-a",))
    api.pod("shop", "tiny", "n1", [("main", "100m", "128Mi")], {"app": "tiny"})
    api.pod_running("shop", "web-1", ["app"], S)
    api.pod_running("shop", "tiny", ["main"], S)


def collector(cfg, db, log_name):
    log = open(os.path.join(WORK, log_name), "w")
    return subprocess.Popen([KT, "collect", "--kubeconfig", cfg, "--all-contexts", "--db", db, "--kubelet-stats",
                             "--flush-interval", "2s", "--usage-interval", "2s"], stdout=log, stderr=subprocess.STDOUT)


def log_text(name):
    with open(os.path.join(WORK, name), errors="replace") as f:
        return f.read()


def forbidden_first(cfg):
    """Step 1: the reader role alone cannot reach the kubelets."""
    db = os.path.join(WORK, "forbidden.db")
    proc = collector(cfg, "sqlite:" + db, "forbidden.log")
    try:
        wait(lambda: "nodes/proxy forbidden (HTTP 403)" in log_text("forbidden.log"),
             "without the kubelet-stats role the collector says nodes/proxy is forbidden")
    finally:
        harness.stop_process(proc)
    text = log_text("forbidden.log")
    check(text.count("nodes/proxy forbidden") == 1 and "kubetally-kubelet-stats" in text,
          "the 403 is logged once and names the ClusterRole to bind")
    check(served() == 0, "the stand-in kubelet was never reached")
    con = sqlite3.connect(db)
    m = con.execute("SELECT count(*), coalesce(max(measured), 0) FROM container_h").fetchone()
    check(m[0] > 0 and m[1] == 0, "containers metered by requests only (%d rows, none measured)" % m[0])
    con.close()


def volume_row(con):
    try:
        return con.execute("SELECT u.used_peak, u.used_avg, u.samples, u.capacity FROM volume_usage u"
                           " JOIN volumes v ON v.id = u.volume_id WHERE v.name = 'vol-a'").fetchone()
    except sqlite3.OperationalError:  # the collector has not made the schema yet
        return None


def live_flush(con):
    r = con.execute("SELECT value FROM meta WHERE key = 'live_flush:aws-test'").fetchone()
    return int(r[0]) if r else 0


def volumes_measured(db):
    """Step 2b: 3Gi, then 4Gi, then 2Gi used: the day keeps the 4Gi peak."""
    wait(lambda: os.path.exists(db), "the collector made its store")
    con = sqlite3.connect(db)
    try:
        wait(lambda: (volume_row(con) or [0])[0] == 3 * GiB, "vol-a's 3Gi used reached the store")
        write_table(4 * GiB)
        wait(lambda: (volume_row(con) or [0])[0] == 4 * GiB, "vol-a's 4Gi used reached the store")
        write_table(2 * GiB)
        c0 = served()
        wait(lambda: served() >= c0 + 2, "the kubelet answered twice after reporting 2Gi")
        t0 = int(time.time()) + 1
        wait(lambda: live_flush(con) > t0, "a flush after the 2Gi samples")
        peak, avg, n, cap = volume_row(con)
        check(peak == 4 * GiB and cap == 10 * GiB, "vol-a keeps its 4Gi peak after 2Gi samples, capacity 10Gi "
              "(%s, %s)" % (peak, cap))
        # every sample is 2, 3 or 4 GiB and each value was seen at least once
        check(n >= 3 and 2 * GiB < avg < 4 * GiB, "average %.3f GiB of %d samples lies strictly between 2 and 4 GiB"
              % (avg / GiB, n))
    finally:
        con.close()


def containers_measured(db):
    """Step 2c: the containers' facts, as check_usage in tests/integration/kube:
    where measured, web-1 (use 0.75 > request 0.5 cores; 512Mi < 1Gi) counts
      cpu_use − cpu_req = 0.25·m = cpu_alloc − cpu_req,  ram_req − ram_use = 512Mi·m,
    tiny (use 0.05 < 0.1 cores; 64Mi < 128Mi) counts
      cpu_req − cpu_use = 0.05·m',  ram_req − ram_use = 64Mi·m',  alloc = request,
    with m, m' the measured hours.  A peak is the largest sample, and the
    request over the hour's unmeasured time (the pods ran before the first
    sample), so: web-1 max(0.75, 0.5) = 0.75 cores, max(512Mi, 1Gi) = 1Gi;
    tiny max(0.05, 0.1) = 0.1 cores, max(64Mi, 128Mi) = 128Mi."""
    con = sqlite3.connect(db)
    rows = {r[0]: r[1:] for r in con.execute(
        """SELECT p.name, sum(h.cpu_req), sum(h.cpu_use), sum(h.cpu_alloc), sum(h.ram_req), sum(h.ram_use),
                  sum(h.ram_alloc), max(h.measured), max(h.cpu_peak), max(h.ram_peak)
           FROM container_h h JOIN containers k ON k.id = h.container_id JOIN pods p ON p.id = k.pod_id
           GROUP BY p.name""")}
    con.close()
    creq, cuse, calloc, rreq, ruse, ralloc, measured, cpeak, rpeak = rows["web-1"]
    m, m_ram = (cuse - creq) / 0.25, (rreq - ruse) / (512 * MiB)
    check(measured == 1 and m > 0, "web-1 measured from the kubelet (for %.0f s)" % (m * 3600))
    check(close(m, m_ram, 1e-9) and close(calloc, cuse, 1e-12) and close(ralloc, rreq, 1e-12),
          "web-1: CPU above request raises allocation, RAM below leaves it (%.6f = %.6f h)" % (m, m_ram))
    check(cpeak == 0.75 and rpeak == GiB, "web-1 peaks: 750000000 nanocores = 0.75 cores, and the 1Gi request "
          "(%s, %s)" % (cpeak, rpeak))
    creq, cuse, calloc, rreq, ruse, ralloc, measured, cpeak, rpeak = rows["tiny"]
    m2, m2_ram = (creq - cuse) / 0.05, (rreq - ruse) / (64 * MiB)
    check(measured == 1 and m2 > 0 and close(m2, m2_ram, 1e-9) and close(calloc, creq, 1e-12) and
          close(ralloc, rreq, 1e-12), "tiny: usage below request, allocation = request (%.6f = %.6f h)" % (m2, m2_ram))
    check(close(cpeak, 0.1, 1e-15) and rpeak == 128 * MiB, "tiny peaks are its requests 0.1 cores and 128Mi (%s, %s)"
          % (cpeak, rpeak))


def network(db):
    """Step 2d: web-1's counters grow 1000 B/s in and 500 B/s out, so the
    bytes metered between its first and last sample are 1000·k and 500·k
    for k whole seconds (the stand-in stamps whole seconds); tiny sends
    nothing and still has network facts (0 bytes: it is measured, which is
    what abandoned-workload detection needs).  The allocation API shows
    web-1's bytes as networkReceiveBytes / networkTransferBytes."""
    con = sqlite3.connect(db)
    rows = dict((r[0], r[1:]) for r in con.execute(
        """SELECT p.name, sum(n.rx), sum(n.tx_other), sum(n.tx_internet + n.tx_region + n.tx_zone),
                  sum(n.cost_internet + n.cost_region + n.cost_zone), count(*)
           FROM network_h n JOIN pods p ON p.id = n.pod_id GROUP BY p.name"""))
    con.close()
    rx, tx, classified, cost, n = rows.get("web-1", (0, 0, 0, 0, 0))
    k = rx / 1000
    check(k >= 1 and abs(k - round(k)) < 1e-6 and close(tx, 500 * k, 1e-9),
          "web-1: %.1f bytes in = 1000 × %.6f s, %.1f out = 500 × the same" % (rx, k, tx))
    check(classified == 0 and cost == 0, "kubelet bytes are unclassified and unpriced (tx_other)")
    t_rx, t_tx = rows.get("tiny", (None, None, 0, 0, 0))[:2]
    check(t_rx == 0 and t_tx == 0, "tiny: network facts with 0 bytes (%s, %s)" % (t_rx, t_tx))
    r = subprocess.run([KT, "allocation", "--db", "sqlite:" + db, "--window", "1d", "--aggregate", "pod",
                        "-o", "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    sets = json.loads(r.stdout)["data"] if r.returncode == 0 else [{}]
    web = [a for s in sets for key, a in s.items() if key.endswith("web-1")]
    check(len(web) == 1 and close(web[0]["networkReceiveBytes"], rx, 1e-9) and
          close(web[0]["networkTransferBytes"], tx, 1e-9),
          "allocation: web-1 networkReceiveBytes %s, networkTransferBytes %s" %
          (web and web[0].get("networkReceiveBytes"), web and web[0].get("networkTransferBytes")))


def abandoned(db):
    """Step 2e: abandoned workloads per pod.  tiny exchanged 0 bytes; its
    CPU is 0.05 cores measured (0.1, its request, before the first sample),
    so it is 'near zero' under --cpu-threshold 0.2 but not under the default
    0.01; web-1 sends 1,500 B/s, over --threshold 1000.  tiny's requests
    average its constant 100m / 128Mi, and its monthly saving is its cost
    scaled to 730 h: positive."""
    def ask(*extra):
        r = subprocess.run([KT, "savings", "abandoned", "--db", "sqlite:" + db, "--window", "1d", "-o", "json"]
                           + list(extra), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        return json.loads(r.stdout) if r.returncode == 0 else None
    default = ask("--threshold", "1000")
    check(default == [], "abandoned: none at the default near-zero CPU (tiny uses 0.05 cores) (%s)" % default)
    got = ask("--threshold", "1000", "--cpu-threshold", "0.2") or []
    check([x["pod"] for x in got] == ["tiny"], "abandoned at --cpu-threshold 0.2: tiny alone, not web-1 (%s)" %
          [x.get("pod") for x in got])
    if len(got) == 1:
        t = got[0]
        check(t["ingressBytesPerSecond"] == 0 and t["egressBytesPerSecond"] == 0 and t["namespace"] == "shop" and
              t["node"] == "n1" and t["clusterId"] == "aws-test" and t["monthlySavings"] > 0,
              "tiny: 0 B/s in and out, shop on n1 in aws-test, saves %s a month" % t.get("monthlySavings"))
        check(close(t["requests"]["cpuCores"], 0.1, 1e-9) and close(t["requests"]["ramBytes"], 128 * MiB, 1e-9) and
              0.05 <= t["usage"]["cpuCores"] <= 0.1, "tiny: requests 0.1 cores and 128Mi, usage between 0.05 and 0.1 "
              "cores (%s)" % t["usage"])


def sizing(db):
    """Step 3: vol-a (10Gi gp3) peaked at 4Gi; with 10 % headroom it needs
    4Gi × 1.1 = 4724464025.6 bytes, applied as 5Gi; it saves
    (10 − 5) GiB × its price per GiB-hour × 730 h a month."""
    con = sqlite3.connect(db)
    price = con.execute("SELECT max(h.price) FROM volume_h h JOIN volumes v ON v.id = h.volume_id"
                        " WHERE v.name = 'vol-a'").fetchone()[0]
    con.close()
    r = subprocess.run([KT, "savings", "volumes", "--db", "sqlite:" + db, "--window", "1d", "-o", "json"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    check(r.returncode == 0, "savings volumes answers (%s)" % r.stderr.decode().strip())
    if r.returncode:
        return
    recs = json.loads(r.stdout)["recommendations"]
    vol = [x for x in recs if x["volumeName"] == "vol-a"]
    check(len(vol) == 1, "one recommendation for vol-a (%s)" % recs)
    if not vol:
        return
    v = vol[0]
    check(v["maxUsageBytes"] == 4 * GiB and v["currentCapacityBytes"] == 10 * GiB and
          v["claimName"] == "data-a" and v["claimNamespace"] == "shop" and v["storageClass"] == "gp3",
          "vol-a: max usage 4Gi of 10Gi, claim shop/data-a, gp3")
    check(close(v["recommendedCapacityBytes"], 4 * GiB * 1.1, 1e-12) and v["recommendedCapacity"] == "5Gi",
          "recommended 4Gi × 1.1 = %s bytes, applied as %s" % (v["recommendedCapacityBytes"],
                                                                v["recommendedCapacity"]))
    check(price > 0 and close(v["savingsMonthly"], 5 * price * 730, 1e-9) and
          close(v["currentCostMonthly"], 10 * price * 730, 1e-9),
          "saves (10 − 5) GiB × %.8f $/GiB-h × 730 h = %.6f (got %s)" % (price, 5 * price * 730, v["savingsMonthly"]))


def main():
    os.makedirs(WORK, exist_ok=True)
    pki = harness.PKI(os.path.join(WORK, "pki"))
    ip, kport = harness.host_ipv4(), harness.free_port()
    kubelet_cert(pki, ip)
    write_table(3 * GiB)
    etcd = harness.Etcd(WORK)
    p = pki.path
    api_server = harness.APIServer("aws", WORK, pki, etcd, harness.kube_apiserver_binary(), extra=[
        "--kubelet-certificate-authority", p("ca.crt"), "--kubelet-client-certificate", p("client.crt"),
        "--kubelet-client-key", p("client.key"), "--kubelet-preferred-address-types", "InternalIP"])
    kubelet = subprocess.Popen([sys.executable, os.path.join(HERE, "fake_kubelet.py"), ip, str(kport),
                                p("kubelet.crt"), p("kubelet.key"), p("ca.crt"), TABLE, COUNT])
    try:
        api = api_server.admin
        with open(os.path.join(ROOT, "deploy", "kubetally-rbac.yaml")) as f:
            api.apply_yaml_docs(f.read())
        build(api, ip, kport, int(time.time()) - 5)
        token = api.service_account_token("kubetally", "kubetally")
        cfg = os.path.join(WORK, "kubeconfig")
        with open(cfg, "w") as f:
            f.write("apiVersion: v1\nkind: Config\ncurrent-context: aws-test\nclusters:\n- name: aws\n  cluster:\n"
                    "    server: %s\n    certificate-authority: %s\nusers:\n- name: sa\n  user:\n    token: %s\n"
                    "contexts:\n- name: aws-test\n  context:\n    cluster: aws\n    user: sa\n"
                    % (api_server.url, pki.path("ca.crt"), token))
        forbidden_first(cfg)
        with open(os.path.join(ROOT, "deploy", "kubetally-kubelet-stats-rbac.yaml")) as f:
            api.apply_yaml_docs(f.read())
        db = os.path.join(WORK, "kt.db")
        proc = collector(cfg, "sqlite:" + db, "collect.log")
        try:
            volumes_measured(db)
        finally:
            harness.stop_process(proc)
        text = log_text("collect.log")
        check("usage from the kubelet Summary API" in text, "the collector reports the kubelet as its usage source")
        check(token not in text and pki.admin_token not in text, "no token in collect's log")
        containers_measured(db)
        network(db)
        abandoned(db)
        sizing(db)
    finally:
        kubelet.kill()
        api_server.stop()
        etcd.stop()
    print("%d failed" % len(FAILS))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
