#!/usr/bin/env python3
"""agents.py KUBETALLY PG_DIR OWNER_URL WORK — two in-cluster agents metering
two real kube-apiservers into one PostgreSQL, each as its own row-level
security role, each with an on-disk spool (--spool-dir)
(tests/integration/postgres/run.sh starts PostgreSQL and calls this).

Each cluster has one 4-core node and one pod requesting 500m that runs the
whole time.  Agent alpha runs `kubetally collect --in-cluster --cluster-name
alpha`, agent beta `kubetally serve --in-cluster --cluster-name beta` (its
/metrics shows the spool), with a service-account token from the API
server's TokenRequest and the in-cluster environment
(KUBERNETES_SERVICE_HOST/PORT, KUBETALLY_SA_DIR for the token folder).

Mid-run PostgreSQL is stopped for KT_PG_OUTAGE seconds (default 30; the
issue's two minutes with KT_PG_OUTAGE=120).  While it is away both agents
spool their flushes, and alpha is killed with SIGKILL once it has spooled
and started again, still without a database: it resumes from its spool.
When PostgreSQL is back both spools are replayed and emptied.  Then alpha
is killed -9 once more with the database up, and restarted.

Hand-checked numbers, per cluster.  The pod started 600 s before the
agents, so it ran every second of [live_since, live_flush) (the agent's
own markers: when it started metering, its last flush).  So:
  Σ container seconds of the pod = live_flush − live_since, exactly
  Σ cpu request core-hours       = 0.5 × that / 3600         (1e-9)
  Σ node hours                   = (live_flush − live_since) / 3600 (1e-9)
e.g. live 1000..1300 gives 300 pod seconds and 0.5 × 300 / 3600 =
0.041666667 core-hours.  Seconds lost while the database was away, or while
alpha was dead, would make the sum smaller; a spooled hour replayed on top
of a newer one, or counted twice, would make it differ too."""
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


def spooled(name, after=0):
    """The agent's spooled flushes (written after `after`, unix seconds)."""
    d = os.path.join(work, "spool-" + name, name)
    try:
        return [f for f in os.listdir(d) if f.endswith(".kts") and os.stat(os.path.join(d, f)).st_mtime >= after]
    except FileNotFoundError:
        return []


def scrape(port):
    """beta's /metrics as {name{labels}: value}."""
    import urllib.request
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=10) as r:
        out = {}
        for line in r.read().decode().splitlines():
            if line and not line.startswith("#"):
                k, v = line.rsplit(" ", 1)
                out[k] = float(v)
        return out


def log_has(name, text):
    with open(os.path.join(work, "agent-%s.log" % name)) as f:
        return text in f.read()


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

    beta_port = harness.free_port()

    def start(name):
        env = dict(os.environ, KUBERNETES_SERVICE_HOST="127.0.0.1", KUBERNETES_SERVICE_PORT=str(servers[name].port),
                   KUBETALLY_SA_DIR=os.path.join(work, "sa-" + name), KUBETALLY_PG_RETRY_SECONDS="2")
        env.pop("KUBECONFIG", None)
        log = open(os.path.join(work, "agent-%s.log" % name), "a")
        cmd = ["collect"] if name == "alpha" else ["serve", "--listen", "127.0.0.1:%d" % beta_port]
        agents[name] = subprocess.Popen([kt] + cmd + ["--in-cluster", "--cluster-name", name, "--db", urls[name],
                                                      "--flush-interval", "1s", "--usage-interval", "0",
                                                      "--spool-dir", os.path.join(work, "spool-" + name)],
                                        env=env, stdout=log, stderr=subprocess.STDOUT)

    def kill9_and_restart(name):
        agents[name].send_signal(signal.SIGKILL)
        agents[name].wait()
        t = time.time()
        start(name)
        return t

    for name in servers:
        start(name)
    if until(lambda: all(meta("live_flush:" + n) > 0 for n in servers)):
        ok("both agents flush into PostgreSQL as their own roles")
    else:
        bad("agents never flushed")

    pg("pg_stop %s" % pg_dir)
    down = time.time()
    if until(lambda: spooled("alpha") and spooled("beta"), 60):
        ok("without PostgreSQL both agents spool their flushes")
    else:
        bad("no spooled flush while PostgreSQL is away")
    restarted = kill9_and_restart("alpha")
    if until(lambda: log_has("alpha", "metering resumes from the spool") and spooled("alpha", int(restarted) + 1), 60):
        ok("alpha killed -9 during the outage resumes from its spool and spools on")
    else:
        bad("alpha did not resume from its spool after kill -9")
    if until(lambda: scrape(beta_port).get('kubetally_spool_files{cluster_id="beta"}', 0) >= 1 and
             scrape(beta_port).get("kubetally_store_up") == 0, 30):
        m = scrape(beta_port)
        ok("beta's /metrics during the outage: store down, %d spooled flushes, %d bytes, oldest %d s old" % (
            m['kubetally_spool_files{cluster_id="beta"}'], m['kubetally_spool_bytes{cluster_id="beta"}'],
            m['kubetally_spool_age_seconds{cluster_id="beta"}']))
    else:
        bad("beta's /metrics does not show its spool during the outage")
    time.sleep(max(0.0, down + outage - time.time()))  # the outage itself is what is tested, not a synchronisation
    pg("pg_start %s" % pg_dir)
    back = time.time()
    if until(lambda: all(meta("live_flush:" + n) > back for n in servers) and not spooled("alpha") and
             not spooled("beta"), 120):
        ok("after %.0f s without PostgreSQL both spools are replayed and empty, and the agents flush again" % outage)
    else:
        bad("agents did not replay their spools after the outage")
    m = scrape(beta_port)
    if m.get('kubetally_spool_replayed_total{cluster_id="beta"}', 0) >= 1 and \
            m.get('kubetally_spool_files{cluster_id="beta"}') == 0 and m.get("kubetally_store_up") == 1:
        ok("beta's /metrics after the outage: %d flushes replayed, spool empty" %
           m['kubetally_spool_replayed_total{cluster_id="beta"}'])
    else:
        bad("beta's /metrics after the outage: %s" % {k: v for k, v in m.items() if "spool" in k or "store_up" in k})
    if all(agents[n].poll() is None for n in agents):
        ok("agents kept running through the outage")
    else:
        bad("an agent exited during the outage")

    killed = kill9_and_restart("alpha")
    if until(lambda: meta("live_flush:alpha") > killed + 2):
        ok("agent alpha killed -9 and restarted flushes again")
    else:
        bad("alpha did not resume after kill -9")
    last = {n: meta("live_flush:" + n) for n in servers}  # a little metering after the restart, then a clean stop
    if not until(lambda: all(meta("live_flush:" + n) > last[n] for n in servers), 30):
        bad("no flush after alpha's restart")
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
        if span > outage and abs(secs - span) < 1e-6 and abs(req - 0.5 * span / 3600) <= 1e-9 * max(1, req) \
                and abs(node_h - span / 3600) <= 1e-9 * max(1, node_h):
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
