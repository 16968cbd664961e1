"""kept.py — serve's /posture and /health from the collector's kept state
give the same answers as listing the cluster on demand.

One real API server holds scenario.py's story (nodes in two regions and one
NotReady, namespace shop labelled for EU residency and PSS baseline, a
critical Deployment web with both pods on one node, privileged api-1
crash-looping on the us-east-1 node, mem-1 OOM-killed), plus three pods of
one ReplicaSet template (they share one kept shape text).  `kubetally serve`
watches it and keeps what posture and health read (pods, nodes,
namespaces); `kubetally posture|health --context` lists it on demand.  At
each step the two JSON answers must be identical:
  1. as created;
  2. api-1 fixed (running, Ready): the crash loop disappears from both;
  3. api-1 deleted, node n-down Ready: its residency/PSS findings and the
     NotReady finding disappear from both.
That serve took the kept path (and did not list pods itself) shows in its
debug log ("from the collector") and in kubetally_collector_posture_bytes.
"""
import json
import os
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "kube"))
import harness  # noqa: E402
import importlib.util  # noqa: E402

# scenario.py beside this file (not kube/scenario.py): its helpers node, pod, status
_spec = importlib.util.spec_from_file_location("posture_scenario", os.path.join(os.path.dirname(
    os.path.abspath(__file__)), "scenario.py"))
sc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sc)

KT, WORK = sys.argv[1], sys.argv[2]
check, kt = sc.check, sc.kt   # results counted in sc.FAILED


def get(port, path):
    with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=60) as r:
        return r.read().decode()


def wait_for(cond, what, limit=120):
    """Poll cond() (bounded): the collector sees an event when the watch
    delivers it, not at a time the script could assume."""
    deadline = time.time() + limit
    last = None
    while time.time() < deadline:
        try:
            last = cond()
            if last:
                return last
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.5)
    check(False, "waited %d s for %s" % (limit, what))
    return None


def populate(c):
    sc.populate(c)
    for i in range(3):   # one template (ReplicaSet batch-7f9, not created): three pods, one kept shape
        c.pod("default", "batch-%d" % i, "n-%s" % ("eu", "us", "down")[i], [("work", "100m", "64Mi")],
              {"app": "batch", "pod-template-hash": "7f9"}, owner=("ReplicaSet", "batch-7f9"))
        sc.status(c, "default", "batch-%d" % i, True, {"running": {}})


def same(port, cfg, rules, db, step):
    """/posture and /health equal the on-demand answers (after a refresh
    that saw the change: serve's --posture-interval is 1 s, and wait_for
    asks again until one has)."""
    cli_p = kt("posture", "--kubeconfig", cfg, "--context", "prod-eks", "--rules", rules, "--db", db, "-o", "json")
    cli_h = kt("health", "--kubeconfig", cfg, "--context", "prod-eks", "--db", db, "-o", "json")
    got = {}

    def settled():
        got["p"] = json.loads(get(port, "/posture"))
        got["h"] = json.loads(get(port, "/health"))
        return got["p"] == cli_p and got["h"] == cli_h
    wait_for(settled, "step %s: serve's answers to match the on-demand ones" % step, limit=60)
    check(got.get("p") == cli_p, "step %s: /posture from kept state == posture --context (%d findings)"
          % (step, len(cli_p["Findings"])))
    check(got.get("h") == cli_h, "step %s: /health from kept state == health --context" % step)
    if got.get("p") != cli_p:
        with open(os.path.join(WORK, "diff-%s.json" % step), "w") as f:
            json.dump({"serve": got.get("p"), "cli": cli_p, "serve_h": got.get("h"), "cli_h": cli_h}, f, indent=1)
    return cli_p, cli_h


def main():
    pki = harness.PKI(os.path.join(WORK, "pki"))
    etcd = harness.Etcd(WORK)
    api = harness.APIServer("eks", WORK, pki, etcd, harness.kube_apiserver_binary())
    srv = None
    try:
        c = api.admin
        populate(c)
        cfg, rules = sc.write_config(WORK, api, pki)
        db = os.path.join(WORK, "kt.db")
        port = harness.free_port()
        log = open(os.path.join(WORK, "serve.log"), "w")
        srv = subprocess.Popen([KT, "serve", "--db", "sqlite:" + db, "--listen", "127.0.0.1:%d" % port,
                                "--kubeconfig", cfg, "--context", "prod-eks", "--posture-rules", rules,
                                "--posture-interval", "1s", "--usage-interval", "0", "--flush-interval", "2s"],
                               stdout=log, stderr=log, env=dict(os.environ, KUBETALLY_LOG="debug"))
        wait_for(lambda: "kubetally_collector_synced{cluster_id=\"prod-eks\"} 1" in get(port, "/metrics"),
                 "the collector to sync")

        p, h = same(port, cfg, rules, db, 1)
        found = {(f["check"], f["name"]) for f in p["Findings"]}
        check(("residency/eu", "api-1") in found and ("resilience/pdb", "web") in found,
              "step 1: api-1 breaks residency rule eu; web has no PDB")
        hk = {(f["check"], f["name"]) for f in h["clusters"][0]["findings"]}
        check({("CrashLoopBackOff", "api-1"), ("OOMKilled", "mem-1"), ("NodeNotReady", "n-down")} <= hk,
              "step 1: crash loop, OOM kill and NotReady node found")
        batch = [r for r in p["Results"] if r["Name"].startswith("batch-")]
        check(len(batch) == 3, "step 1: the three pods of one template are judged (%d)" % len(batch))
        with open(os.path.join(WORK, "serve.log")) as f:
            text = f.read()
        check("nodes, namespaces and pods from the collector (7 pods)" in text,
              "serve read the 7 pods from the collector, not from a list")
        m = get(port, "/metrics")
        kept = [ln for ln in m.splitlines() if ln.startswith("kubetally_collector_posture_bytes")]
        check(kept and float(kept[0].split()[-1]) > 0, "kubetally_collector_posture_bytes > 0 (%s)" % kept)

        sc.status(c, "shop", "api-1", True, {"running": {}})
        p, h = same(port, cfg, rules, db, 2)
        hk = {(f["check"], f["name"]) for f in h["clusters"][0]["findings"]}
        check(("CrashLoopBackOff", "api-1") not in hk, "step 2: api-1's crash loop is gone")

        c.delete("/api/v1/namespaces/shop/pods/api-1?gracePeriodSeconds=0")
        c.patch_status("/api/v1/nodes/n-down", {"conditions": [{"type": "Ready", "status": "True",
                                                                "reason": "KubeletReady"}]})
        p, h = same(port, cfg, rules, db, 3)
        hk = {(f["check"], f["name"]) for f in h["clusters"][0]["findings"]}
        check(not any(f["name"] == "api-1" for f in p["Findings"]) and ("NodeNotReady", "n-down") not in hk,
              "step 3: api-1's findings and n-down's NotReady are gone")
    finally:
        if srv:
            harness.stop_process(srv)
        api.stop()
        etcd.stop()
    print("%d failed" % len(sc.FAILED))
    return 1 if sc.FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
