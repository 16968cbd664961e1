"""scenario.py — savings kinds appearing and disappearing on a real API server.

One kube-apiserver (one etcd); the test plays the kubelet (harness.py) and
runs `kubetally collect` with a 2-second flush.  The cluster:

  n1  m5.xlarge  web-1 (500m, 1Gi, app=web), mounting claim shop/data-a
  n2  m5.large   tiny (100m, 128Mi) — its pod fits on n1 at 80 %: underused
  vol-a  10Gi gp3, bound to shop/data-a (mounted by web-1)
  vol-b  20Gi gp3, no claim                 → unclaimedVolumes
  lb-web     LoadBalancer selecting app=web → backed
  lb-orphan  LoadBalancer selecting app=gone → orphanedLoadBalancers

Then vol-b, lb-orphan and n2 (with tiny) are deleted: each must leave the
summary (a thing counts while it was present within 90 s of the newest
flush), while nothing else changes.  Waits are bounded polls.

Usage: scenario.py KUBETALLY_BIN WORKDIR
"""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "kube"))
import harness  # noqa: E402

KT, WORK = sys.argv[1], sys.argv[2]
DB = "sqlite:" + os.path.join(WORK, "kt.db")
FAILS = []
LABELS = {"topology.kubernetes.io/region": "us-east-1", "topology.kubernetes.io/zone": "us-east-1a",
          "node.kubernetes.io/instance-type": "m5.xlarge", "eks.amazonaws.com/capacityType": "ON_DEMAND"}


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        FAILS.append(what)


def savings():
    r = subprocess.run([KT, "savings", "--db", DB, "--window", "1d", "-o", "json"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    if r.returncode:
        return None
    return json.loads(r.stdout)["data"]


def names(data, kind):
    return sorted(i["name"] for i in (data or {}).get("items", []) if i["kind"] == kind)


def wait_for(cond, what, tries=240):
    """Poll `kubetally savings` once a second until cond(data) holds (bounded)."""
    data = None
    for _ in range(tries):
        data = savings()
        if data is not None and cond(data):
            return data
        time.sleep(1)
    check(False, what + " (last: %s)" % json.dumps((data or {}).get("items")))
    return None


def build(api, S):
    api.node("n1", LABELS, "aws:///us-east-1a/i-0bbb0000000000001", 4, "16Gi")
    api.node("n2", dict(LABELS, **{"node.kubernetes.io/instance-type": "m5.large"}),
             "aws:///us-east-1a/i-0bbb0000000000002", 2, "8Gi")
    api.namespace("shop", {"team": "web"})
    for name, size, claim in (("vol-a", "10Gi", "data-a"), ("vol-b", "20Gi", None)):
        spec = {"capacity": {"storage": size}, "accessModes": ["ReadWriteOnce"], "storageClassName": "gp3",
                "csi": {"driver": "ebs.csi.aws.com", "volumeHandle": "vol-0" + name[-1] * 16}}
        if claim:
            spec["claimRef"] = {"namespace": "shop", "name": claim}
        api.create("/api/v1/persistentvolumes", {"metadata": {"name": name}, "spec": spec})
    api.create("/api/v1/namespaces/shop/persistentvolumeclaims",
               {"metadata": {"name": "data-a"}, "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "gp3",
                                                         "volumeName": "vol-a",
                                                         "resources": {"requests": {"storage": "10Gi"}}}})
    for name, app in (("lb-web", "web"), ("lb-orphan", "gone")):
        api.create("/api/v1/namespaces/shop/services",
                   {"metadata": {"name": name}, "spec": {"type": "LoadBalancer", "selector": {"app": app},
                                                          "ports": [{"port": 80, "targetPort": 8080}]}})
    api.pod("shop", "web-1", "n1", [("app", "500m", "1Gi")], {"app": "web"}, owner=("ReplicaSet", "web-7c9d"),
            claims=("data-a",))
    api.pod("shop", "tiny", "n2", [("main", "100m", "128Mi")], {"app": "tiny"})
    api.pod_running("shop", "web-1", ["app"], S)
    api.pod_running("shop", "tiny", ["main"], S)


def main():
    pki = harness.PKI(os.path.join(WORK, "pki"))
    etcd = harness.Etcd(WORK)
    api_server = harness.APIServer("aws", WORK, pki, etcd, harness.kube_apiserver_binary())
    collector = None
    try:
        api = api_server.admin
        build(api, int(time.time()) - 5)
        cfg = os.path.join(WORK, "kubeconfig")
        with open(cfg, "w") as f:
            f.write("apiVersion: v1\nkind: Config\ncurrent-context: aws-test\nclusters:\n- name: aws\n  cluster:\n"
                    "    server: %s\n    certificate-authority: %s\nusers:\n- name: admin\n  user:\n    token: %s\n"
                    "contexts:\n- name: aws-test\n  context:\n    cluster: aws\n    user: admin\n"
                    % (api_server.url, pki.path("ca.crt"), pki.admin_token))
        log = open(os.path.join(WORK, "collect.log"), "w")
        collector = subprocess.Popen([KT, "collect", "--kubeconfig", cfg, "--all-contexts", "--db", DB,
                                      "--flush-interval", "2s", "--usage-interval", "0"], stdout=log,
                                     stderr=subprocess.STDOUT)
        data = wait_for(lambda d: names(d, "unclaimedVolumes") == ["vol-b"] and
                        names(d, "orphanedLoadBalancers") == ["lb-orphan"] and
                        names(d, "underusedNodes") == ["n2"], "every kind appears")
        if data:
            check(True, "unclaimed vol-b, orphaned lb-orphan and underused n2 appear; vol-a, lb-web, n1 do not")
            by = {i["name"]: i for i in data["items"]}
            # vol-b: 20 GiB of gp3 at the catalog's per-GB-month price: 20 × price × 730 / 730
            check(by["vol-b"]["monthlySavings"] > 0 and by["vol-b"]["monthlyCarbonSavings"] > 0,
                  "vol-b saves money and CO2e: %s" % by["vol-b"])
            check(by["lb-orphan"]["monthlySavings"] > 0, "lb-orphan saves its hourly price × 730: %s" % by["lb-orphan"])
            check(by["n2"]["monthlySavings"] > 0 and by["n2"]["cluster"] == "aws-test",
                  "n2 saves its hourly price × 730: %s" % by["n2"])
            kinds = {k["kind"]: k["count"] for k in data["byKind"]}
            check(kinds["unclaimedVolumes"] == 1 and kinds["orphanedLoadBalancers"] == 1 and
                  kinds["underusedNodes"] == 1, "counts per kind: %s" % kinds)
        api.delete("/api/v1/persistentvolumes/vol-b")
        # no controller-manager runs: play its pv-protection controller (vol-b is bound to nothing)
        api.call("PATCH", "/api/v1/persistentvolumes/vol-b", {"metadata": {"finalizers": None}},
                 ctype="application/merge-patch+json")
        api.delete("/api/v1/namespaces/shop/services/lb-orphan")
        api.delete_pod("shop", "tiny")
        api.delete("/api/v1/nodes/n2")
        data = wait_for(lambda d: not names(d, "unclaimedVolumes") and not names(d, "orphanedLoadBalancers") and
                        not names(d, "underusedNodes"), "every kind disappears once deleted")
        if data:
            check(True, "vol-b, lb-orphan and n2 leave the summary once deleted")
    finally:
        if collector:
            harness.stop_process(collector)
        api_server.stop()
        etcd.stop()
    print("%d failed" % len(FAILS))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
