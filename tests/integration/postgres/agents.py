#!/usr/bin/env python3
"""agents.py KUBETALLY PG_DIR OWNER_URL WORK — two in-cluster agents metering
two real kube-apiservers into one PostgreSQL, each as its own row-level
security role (tests/integration/postgres/run.sh starts PostgreSQL and
calls this).

Each cluster has one 4-core node and one pod requesting 500m that runs the
whole time.  The agents run `kubetally collect --in-cluster --cluster-name
NAME` with a service-account token from the API server's TokenRequest and
the in-cluster environment (KUBERNETES_SERVICE_HOST/PORT, KUBETALLY_SA_DIR
for the token folder).  Mid-run PostgreSQL is stopped for KT_PG_OUTAGE
seconds (default 30; the issue's two minutes with KT_PG_OUTAGE=120) and
started again, and agent alpha is killed with SIGKILL and started again.

Hand-checked numbers, per cluster, from the agent's own markers
(live_since = when it started metering, live_flush = its last flush):
  Σ container seconds of the pod = live_flush − live_since   (± 2 s)
  Σ cpu request core-hours       = 0.5 × that / 3600         (1e-9)
  Σ node hours                   = (live_flush − live_since) / 3600 (± 2 s)
i.e. nothing was lost while the database was away or the agent was dead,
and nothing was counted twice."""
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "kube"))
import harness  # noqa: E402

kt, pg_dir, owner_url, work = sys.argv[1:5]
ROOT = harness.ROOT
outage = float(os.environ.get("KT_PG_OUTAGE", "30"))
fails = 0


def ok(name):
    print("ok   " + name, flush=True)


def bad(name):
    global fails
    fails += 1
    print("FAIL " + name, flush=True)


def pg(cmd):
    """pg.sh's pg_start/pg_stop on the suite's server."""
    subprocess.run(["bash", "-c", "free_port() { :; }; . tests/integration/postgres/pg.sh; " + cmd], cwd=ROOT,
                   check=True, stdout=subprocess.DEVNULL)


def sql(q, db="fleet"):
    base = owner_url.rsplit("/", 1)[0]
    r = subprocess.run([os.path.join(os.environ["PG_BIN"], "psql"), "-X", "-q", "-At", base + "/" + db, "-c", q],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return r.stdout.decode().strip()


def until(cond, timeout=90):
    end = time.time() + timeout
    while time.time() < end:
        try:
            if cond():
                return True
        except Exception:
            pass
        time.sleep(0.2)
    return False


def meta(key):
    v = sql("SELECT value FROM meta WHERE key = '%s'" % key)
    return int(v) if v else 0


pki = harness.PKI(os.path.join(work, "pki"))
etcd = harness.Etcd(work)
binary = harness.kube_apiserver_binary()
servers, agents, urls = {}, {}, {}
try:
    now = int(time.time())
    with open(os.path.join(ROOT, "deploy", "kubetally-rbac.yaml")) as f:
        rbac = f.read()
    for name in ("alpha", "beta"):
        s = servers[name] = harness.APIServer(name, work, pki, etcd, binary)
        s.admin.apply_yaml_docs(rbac)
        s.admin.node("n1", {"topology.kubernetes.io/region": "us-east-1"}, "aws:///us-east-1a/i-" + name, 4, "16Gi")
        s.admin.pod("default", "web", "n1", [("app", "500m", "1Gi")])
        s.admin.pod_running("default", "web", ["app"], now - 600)
        sa = os.path.join(work, "sa-" + name)
        os.makedirs(sa)
        with open(os.path.join(sa, "token"), "w") as f:
            f.write(s.admin.service_account_token("kubetally", "kubetally"))
        with open(pki.path("ca.crt")) as src, open(os.path.join(sa, "ca.crt"), "w") as dst:
            dst.write(src.read())
        pw = os.path.join(work, name + ".pw")
        subprocess.run([kt, "db", "grant-agent", "--cluster", name, "--password-file", pw, "--db",
                        owner_url.rsplit("/", 1)[0] + "/fleet"], check=True, stdout=subprocess.DEVNULL)
        with open(pw) as f:
            urls[name] = "postgresql://kt_agent_%s:%s@%s/fleet" % (
                name, f.read().strip(), owner_url.split("@", 1)[1].rsplit("/", 1)[0])
    ok("two kube-apiservers with a kubetally service account; an agent role for each cluster")

    def start(name):
        env = dict(os.environ, KUBERNETES_SERVICE_HOST="127.0.0.1", KUBERNETES_SERVICE_PORT=str(servers[name].port),
                   KUBETALLY_SA_DIR=os.path.join(work, "sa-" + name), KUBETALLY_PG_RETRY_SECONDS="2")
        env.pop("KUBECONFIG", None)
        log = open(os.path.join(work, "agent-%s.log" % name), "a")
        agents[name] = subprocess.Popen([kt, "collect", "--in-cluster", "--cluster-name", name, "--db", urls[name],
                                         "--flush-interval", "1s", "--usage-interval", "0"],
                                        env=env, stdout=log, stderr=subprocess.STDOUT)

    for name in servers:
        start(name)
    if until(lambda: all(meta("live_flush:" + n) > 0 for n in servers)):
        ok("both agents flush into PostgreSQL as their own roles")
    else:
        bad("agents never flushed")

    pg("pg_stop %s" % pg_dir)
    down = time.time()
    time.sleep(outage)  # the outage itself is what is tested, not a synchronisation
    pg("pg_start %s" % pg_dir)
    if until(lambda: all(meta("live_flush:" + n) > down + outage for n in servers), 120):
        ok("after %.0f s without PostgreSQL both agents flush again" % outage)
    else:
        bad("agents did not resume after the outage")
    if all(agents[n].poll() is None for n in agents):
        ok("agents kept running through the outage")
    else:
        bad("an agent exited during the outage")

    agents["alpha"].send_signal(signal.SIGKILL)
    agents["alpha"].wait()
    killed = time.time()
    start("alpha")
    if until(lambda: meta("live_flush:alpha") > killed + 2):
        ok("agent alpha killed -9 and restarted flushes again")
    else:
        bad("alpha did not resume after kill -9")
    time.sleep(2)  # a little metering after the restart, then a clean stop
    for a in agents.values():
        a.send_signal(signal.SIGTERM)
    for a in agents.values():
        a.wait(timeout=60)

    for name in servers:
        since, last = meta("live_since:" + name), meta("live_flush:" + name)
        cid = sql("SELECT id FROM clusters WHERE name = '%s'" % name)
        row = sql("SELECT sum(c.seconds), sum(c.cpu_req) FROM container_h c JOIN containers k ON k.id = c.container_id "
                  "JOIN pods p ON p.id = k.pod_id WHERE p.name = 'web' AND p.cluster_id = %s" % cid).split("|")
        node_h = float(sql("SELECT sum(hours) FROM node_h WHERE cluster_id = %s" % cid) or 0)
        secs, req = float(row[0] or 0), float(row[1] or 0)
        span = last - since
        print("   %s: metered %d s (live %d..%d); pod seconds %.3f, request core-hours %.9f, node hours %.6f"
              % (name, span, since, last, secs, req, node_h))
        if span > outage and abs(secs - span) <= 2 and abs(req - 0.5 * secs / 3600) <= 1e-9 * max(1, req) \
                and abs(node_h * 3600 - span) <= 2:
            ok("%s: every second from start to last flush counted once, outage and kill -9 included" % name)
        else:
            bad("%s: metered time does not add up" % name)
finally:
    for a in agents.values():
        if a.poll() is None:
            a.kill()
    for s in servers.values():
        s.stop()
    etcd.stop()
sys.exit(1 if fails else 0)
