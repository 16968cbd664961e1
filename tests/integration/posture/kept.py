"""kept.py — serve's /posture and /health from the collector's kept state
give the same answers, byte for byte, as listing the cluster on demand.

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


def patch(c, path, body):
    return c.call("PATCH", path, body, ctype="application/merge-patch+json")


SHOP, APPS, RBAC = "/api/v1/namespaces/shop", "/apis/apps/v1/namespaces", "/apis/rbac.authorization.k8s.io/v1"


def template(labels, **spec):
    spec.setdefault("containers", [{"name": "app", "image": "registry.test/app:1"}])
    return {"selector": {"matchLabels": labels}, "template": {"metadata": {"labels": labels}, "spec": spec}}


def others_create(c):
    """One object of every other kind posture reads (step 1)."""
    c.create(SHOP + "/serviceaccounts", {"metadata": {"name": "app"}, "automountServiceAccountToken": False})
    c.create(SHOP + "/configmaps", {"metadata": {"name": "creds"}, "data": {"db_password": "hunter2", "host": "db"}})
    c.create(SHOP + "/configmaps", {"metadata": {"name": "tls"}, "data": {
        "key.pem": "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----"}})
    c.create(APPS + "/shop/statefulsets", {"metadata": {"name": "db"}, "spec": dict(
        template({"app": "db"}, hostPID=True), replicas=1, serviceName="db")})
    c.create(APPS + "/default/daemonsets", {"metadata": {"name": "agent"}, "spec": template(
        {"app": "agent"}, hostNetwork=True)})
    job = template({"job": "migrate"}, restartPolicy="Never")
    del job["selector"]   # the API server makes a Job's selector
    c.create("/apis/batch/v1/namespaces/shop/jobs", {"metadata": {"name": "migrate"}, "spec": dict(job, backoffLimit=0)})
    c.patch_status("/apis/batch/v1/namespaces/shop/jobs/migrate", {"conditions": [
        {"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded", "message": "Job has reached the limit"}]})
    c.create("/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies", {"metadata": {"name": "web"}, "spec": {
        "podSelector": {"matchLabels": {"app": "web"}}, "policyTypes": ["Ingress", "Egress"],
        "ingress": [{}], "egress": [{}]}})
    c.create("/apis/networking.k8s.io/v1/namespaces/shop/ingresses", {"metadata": {"name": "site"}, "spec": {
        "rules": [{"host": "shop.test"}]}})
    c.create(RBAC + "/clusterroles", {"metadata": {"name": "exec-all"}, "rules": [
        {"apiGroups": [""], "resources": ["pods/exec"], "verbs": ["create"]}]})
    c.create(RBAC + "/clusterrolebindings", {"metadata": {"name": "ops-admin"}, "roleRef": {
        "apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"},
        "subjects": [{"kind": "User", "name": "ops", "apiGroup": "rbac.authorization.k8s.io"}]})
    c.create(RBAC + "/namespaces/shop/roles", {"metadata": {"name": "exec"}, "rules": [
        {"apiGroups": [""], "resources": ["pods/exec", "pods/attach"], "verbs": ["create", "get"]}]})
    c.create(RBAC + "/namespaces/shop/rolebindings", {"metadata": {"name": "exec"}, "roleRef": {
        "apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "exec"},
        "subjects": [{"kind": "User", "name": "dev", "apiGroup": "rbac.authorization.k8s.io"}]})
    c.create("/api/v1/persistentvolumes", {"metadata": {"name": "pv-us", "labels": {
        "topology.kubernetes.io/region": "us-east-1", "topology.kubernetes.io/zone": "us-east-1a"}}, "spec": {
        "capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"], "hostPath": {"path": "/data"},
        "storageClassName": ""}})
    c.create(SHOP + "/persistentvolumeclaims", {"metadata": {"name": "data"}, "spec": {
        "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}, "volumeName": "pv-us",
        "storageClassName": ""}})


def others_change(c):
    """Step 4: each kind changed so that a finding goes or comes."""
    patch(c, SHOP + "/configmaps/creds", {"data": {"db_password": None}})
    patch(c, "/apis/networking.k8s.io/v1/namespaces/shop/ingresses/site", {"spec": {"tls": [{"hosts": ["shop.test"]}]}})
    c.patch_status("/apis/batch/v1/namespaces/shop/jobs/migrate", {"conditions": [
        {"type": "Complete", "status": "True"}]})
    patch(c, RBAC + "/clusterroles/exec-all", {"rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}]})
    patch(c, APPS + "/shop/deployments/web", {"spec": {"replicas": 3}})
    patch(c, SHOP + "/serviceaccounts/app", {"automountServiceAccountToken": True})


def others_delete(c):
    """Step 5 (the claim's protection finalizer is dropped first: no
    controller-manager runs here to remove it)."""
    patch(c, SHOP + "/persistentvolumeclaims/data", {"metadata": {"finalizers": None}})
    for path in (RBAC + "/clusterrolebindings/ops-admin", RBAC + "/namespaces/shop/rolebindings/exec",
                 "/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies/web",
                 SHOP + "/persistentvolumeclaims/data", APPS + "/shop/statefulsets/db",
                 APPS + "/default/daemonsets/agent"):
        c.delete(path)


def results(p, kind):
    """{name: {check: success}} of the Polaris results of objects of kind."""
    return {r["Name"]: {k: v["Success"] for k, v in r["Results"].items()} for r in p["Results"] if r["Kind"] == kind}


def populate(c):
    sc.populate(c)
    others_create(c)
    for i in range(3):   # one template (ReplicaSet batch-7f9, not created): three pods, one kept shape
        c.pod("default", "batch-%d" % i, "n-%s" % ("eu", "us", "down")[i], [("work", "100m", "64Mi")],
              {"app": "batch", "pod-template-hash": "7f9"}, owner=("ReplicaSet", "batch-7f9"))
        sc.status(c, "default", "batch-%d" % i, True, {"running": {}})


def kt_text(*args):
    """kubetally's standard output, as text (sc.kt parses it)."""
    r = subprocess.run([KT] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    if r.returncode != 0:
        raise RuntimeError("kubetally %s: exit %d: %s" % (" ".join(args), r.returncode, r.stderr.decode()[-500:]))
    return r.stdout.decode()


def same(port, cfg, rules, db, step):
    """/posture and /health equal the on-demand answers byte for byte (after
    a refresh that saw the change: serve's --posture-interval is 1 s, and
    wait_for asks again until one has)."""
    cli_p = kt_text("posture", "--kubeconfig", cfg, "--context", "prod-eks", "--rules", rules, "--db", db, "-o", "json")
    cli_h = kt_text("health", "--kubeconfig", cfg, "--context", "prod-eks", "--db", db, "-o", "json")
    got = {}

    def settled():
        got["p"] = get(port, "/posture")
        got["h"] = get(port, "/health")
        return got["p"] == cli_p and got["h"] == cli_h
    wait_for(settled, "step %s: serve's answers to match the on-demand ones" % step, limit=60)
    p = json.loads(cli_p)
    check(got.get("p") == cli_p, "step %s: /posture from kept state == posture --context, %d bytes (%d findings, "
          "%d results)" % (step, len(cli_p), len(p["Findings"]), len(p["Results"])))
    check(got.get("h") == cli_h, "step %s: /health from kept state == health --context, %d bytes" % (step, len(cli_h)))
    if got.get("p") != cli_p or got.get("h") != cli_h:
        for name, text in (("serve-posture", got.get("p")), ("cli-posture", cli_p), ("serve-health", got.get("h")),
                           ("cli-health", cli_h)):
            with open(os.path.join(WORK, "%s-%s.json" % (name, step)), "w") as f:
                f.write(text or "")
    return p, json.loads(cli_h)


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
        check("every kind from the collector (7 pods)" in text,
              "serve read every kind (7 pods) from the collector, not from a list")
        check(sum(1 for ln in text.splitlines() if "cluster prod-eks: list " in ln and "HTTP 404, skipped" in ln) == 3,
              "the collector skipped the 3 kinds this server does not serve (PDBs, HPAs, CronJobs)")
        kept_from = text.index("every kind from the collector")
        check(not any("/apis/" in ln and "skipped" in ln for ln in text[kept_from:].splitlines()),
              "once synced, serve listed nothing on demand (no skipped list after the kept path began)")
        cms, roles = results(p, "ConfigMap"), results(p, "ClusterRoleBinding")
        check(cms.get("creds", {}).get("sensitiveConfigmapContent") is False
              and cms.get("tls", {}).get("sensitiveConfigmapContent") is False,
              "step 1: ConfigMaps creds (password key) and tls (private key) fail sensitiveConfigmapContent")
        check(roles.get("ops-admin", {}).get("clusterrolebindingClusterAdmin") is False,
              "step 1: ClusterRoleBinding ops-admin fails clusterrolebindingClusterAdmin")
        check(results(p, "Ingress").get("site", {}).get("tlsSettingsMissing") is False, "step 1: Ingress site has no TLS")
        check(("residency/eu", "data") in found, "step 1: claim data's volume in us-east-1 breaks rule eu")
        check(("JobFailed", "migrate") in hk, "step 1: Job migrate failed")
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

        others_change(c)
        p, h = same(port, cfg, rules, db, 4)
        hk = {(f["check"], f["name"]) for f in h["clusters"][0]["findings"]}
        check(results(p, "ConfigMap").get("creds", {}).get("sensitiveConfigmapContent") is True
              and results(p, "Ingress").get("site", {}).get("tlsSettingsMissing") is True
              and ("JobFailed", "migrate") not in hk
              and results(p, "ClusterRole").get("exec-all", {}).get("clusterrolePodExecAttach") is True,
              "step 4: creds, site, migrate and exec-all fixed")

        others_delete(c)
        p, h = same(port, cfg, rules, db, 5)
        check("ops-admin" not in results(p, "ClusterRoleBinding") and "db" not in results(p, "StatefulSet")
              and ("residency/eu", "data") not in {(f["check"], f["name"]) for f in p["Findings"]},
              "step 5: the deleted objects' results and findings are gone")
    finally:
        if srv:
            harness.stop_process(srv)
        api.stop()
        etcd.stop()
    print("%d failed" % len(sc.FAILED))
    return 1 if sc.FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
