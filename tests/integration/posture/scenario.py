"""scenario.py — kubetally posture and health against a real API server.

The story (numbers checked by hand, below): an AWS cluster with two Ready
nodes in eu-west-1 and us-east-1 and one NotReady node; namespace shop is
labelled data-residency=eu and enforces PSS baseline; its critical
Deployment web has both Ready pods on one node and no PDB; pod api-1 in shop
runs privileged on the us-east-1 node and crash-loops; pod mem-1 was
OOM-killed.  kubetally reads the cluster as the user bound to
deploy/kubetally-rbac.yaml's ClusterRole.  Then api-1 is fixed (running,
then deleted) and its findings disappear.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "kube"))
import harness  # noqa: E402

KT, WORK = sys.argv[1], sys.argv[2]
FAILED = []


def check(cond, what):
    print("ok  " if cond else "FAIL", what)
    if not cond:
        FAILED.append(what)


def kt(*args):
    r = subprocess.run([KT] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    if r.returncode != 0:
        raise RuntimeError("kubetally %s: exit %d: %s" % (" ".join(args), r.returncode, r.stderr.decode()[-500:]))
    return json.loads(r.stdout)


def node(c, name, region, zone, ready):
    c.node(name, {"topology.kubernetes.io/region": region, "topology.kubernetes.io/zone": zone},
           "aws:///%s/i-%s" % (zone, name), 4, "16Gi")
    c.patch_status("/api/v1/nodes/" + name, {
        "conditions": [{"type": "Ready", "status": "True" if ready else "False", "reason": "KubeletReady"}],
        "nodeInfo": {"kubeletVersion": "v1.20.2", "machineID": "", "systemUUID": "", "bootID": "",
                     "kernelVersion": "", "osImage": "", "containerRuntimeVersion": "", "kubeProxyVersion": "",
                     "operatingSystem": "linux", "architecture": "amd64"}})


def pod(c, ns, name, node_name, labels, privileged=False):
    sc = {"privileged": True} if privileged else {}
    c.create("/api/v1/namespaces/%s/pods" % ns, {
        "metadata": {"name": name, "namespace": ns, "labels": labels},
        "spec": {"nodeName": node_name, "containers": [
            {"name": "app", "image": "registry.test/app:1", "securityContext": sc}]}})


def status(c, ns, name, ready, state, last=None):
    cs = {"name": "app", "ready": ready, "restartCount": 3 if last or not ready else 0,
          "image": "registry.test/app:1", "imageID": "", "state": state}
    if last:
        cs["lastState"] = last
    c.patch_status("/api/v1/namespaces/%s/pods/%s" % (ns, name), {
        "phase": "Running", "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
        "containerStatuses": [cs]})


def populate(c):
    """The story above, on an API server (c: its admin client)."""
    c.apply_yaml_docs(open(os.path.join(harness.ROOT, "deploy", "kubetally-rbac.yaml")).read())
    c.bind_reader("kubetally-token")
    node(c, "n-eu", "eu-west-1", "eu-west-1a", True)
    node(c, "n-us", "us-east-1", "us-east-1a", True)
    node(c, "n-down", "eu-west-1", "eu-west-1b", False)
    c.namespace("shop", {"data-residency": "eu", "pod-security.kubernetes.io/enforce": "baseline"})
    c.create("/apis/apps/v1/namespaces/shop/deployments", {
        "metadata": {"name": "web", "namespace": "shop", "labels": {"kubetally.io/critical": "true"}},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{"name": "app", "image": "registry.test/app:1"}]}}}})
    for n in ("web-1", "web-2"):
        pod(c, "shop", n, "n-eu", {"app": "web"})
        status(c, "shop", n, True, {"running": {}})
    pod(c, "shop", "api-1", "n-us", {"app": "api"}, privileged=True)
    status(c, "shop", "api-1", False, {"waiting": {"reason": "CrashLoopBackOff"}})
    pod(c, "default", "mem-1", "n-eu", {"app": "mem"})
    status(c, "default", "mem-1", True, {"running": {}}, {"terminated": {"reason": "OOMKilled", "exitCode": 137}})


def kubeconfig(path, api, pki):
    """A kubeconfig at path: context prod-eks, as kubetally's reader token."""
    with open(path, "w") as f:
        f.write("apiVersion: v1\nkind: Config\nclusters:\n- name: eks\n  cluster:\n    server: %s\n"
                "    certificate-authority: %s\nusers:\n- name: kt\n  user:\n    token: %s\ncontexts:\n"
                "- name: prod-eks\n  context: {cluster: eks, user: kt}\ncurrent-context: prod-eks\n"
                % (api.url, pki.path("ca.crt"), pki.kt_token))
    return path


def write_config(work, api, pki):
    """A kubeconfig (context prod-eks, as the deploy/ reader) and residency
    rules; returns their paths."""
    cfg = kubeconfig(os.path.join(work, "kubeconfig"), api, pki)
    rules = os.path.join(work, "rules.yaml")
    with open(rules, "w") as f:
        f.write("residency:\n  - name: eu\n    label: data-residency=eu\n    regions: [eu-*, europe-*]\n")
    return cfg, rules


def main():
    pki = harness.PKI(os.path.join(WORK, "pki"))
    etcd = harness.Etcd(WORK)
    api = harness.APIServer("eks", WORK, pki, etcd, harness.kube_apiserver_binary())
    try:
        c = api.admin
        populate(c)
        cfg, rules = write_config(WORK, api, pki)

        p = kt("posture", "--kubeconfig", cfg, "--context", "prod-eks", "--rules", rules, "-o", "json")
        found = {(f["check"], f["name"]) for f in p["Findings"]}
        # api-1 runs on n-us (us-east-1) outside rule eu
        check(("residency/eu", "api-1") in found, "residency: api-1 in us-east-1 breaks rule eu")
        check(("residency/eu", "web-1") not in found, "residency: web-1 in eu-west-1 is fine")
        # web: 2 replicas (fine), no PDB, both Ready pods on n-eu in eu-west-1a
        check(("resilience/pdb", "web") in found and ("resilience/node", "web") in found
              and ("resilience/zone", "web") in found and ("resilience/replicas", "web") not in found,
              "resilience: web has no PDB, both replicas on one node and zone")
        api1 = [r for r in p["Results"] if r["Name"] == "api-1"][0]
        check(any(v["ruleId"] == "pss-baseline/privileged" for v in api1["PodSecurity"]["violations"]),
              "PSS: api-1 is rejected by pss-baseline/privileged")
        check(api1["PodResult"]["ContainerResults"][0]["Results"]["runAsPrivileged"]["Success"] is False,
              "Polaris: api-1 fails runAsPrivileged (danger)")
        # shop enforces baseline: Deployment web's template, web-1, web-2, api-1 → api-1 only
        shop = [n for n in p["PodSecurity"]["namespaces"] if n["name"] == "shop"][0]
        check(shop["enforce"]["rejected"] == 1 and shop["pods"] == 4, "namespace shop: enforce=baseline rejects 1 of 4")

        h = kt("health", "--kubeconfig", cfg, "--context", "prod-eks", "-o", "json")["clusters"][0]
        kinds = sorted((f["check"], f["name"]) for f in h["findings"])
        check(("NodeNotReady", "n-down") in kinds, "health: n-down NotReady")
        check(("CrashLoopBackOff", "api-1") in kinds and ("OOMKilled", "mem-1") in kinds,
              "health: api-1 crash-loops, mem-1 was OOM-killed")
        check(any(k == "VersionEndOfLife" for k, _ in kinds), "health: Kubernetes 1.20 is past end of life")
        # 1 of 3 nodes (−10), api-1 and mem-1 of 4 pods (−25), end of life (−10): 55
        check(h["score"] == 55, "health score 55 (got %s)" % h["score"])

        # fixed: api-1 runs → no crash loop; 1 of 4 pods unhealthy (−12.5) → 67
        status(c, "shop", "api-1", True, {"running": {}})
        h = kt("health", "--kubeconfig", cfg, "--context", "prod-eks", "-o", "json")["clusters"][0]
        check(not any(f["check"] == "CrashLoopBackOff" for f in h["findings"]) and h["score"] == 67,
              "fixed: crash loop gone, score 67 (got %s)" % h["score"])
        # deleted: its residency and PSS findings go with it
        c.delete("/api/v1/namespaces/shop/pods/api-1?gracePeriodSeconds=0")   # no kubelet to confirm
        p = kt("posture", "--kubeconfig", cfg, "--context", "prod-eks", "--rules", rules, "-o", "json")
        check(not any(f["check"] == "residency/eu" for f in p["Findings"])
              and not any(r["Name"] == "api-1" for r in p["Results"]), "deleted: api-1's findings are gone")
    finally:
        api.stop()
        etcd.stop()
    print("%d passed, %d failed" % (11 - len(FAILED), len(FAILED)))
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
