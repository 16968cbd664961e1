"""spend.py — the spend half of the single-cloud risk (docs/posture.md):
`posture --file … --db STORE` prices each critical workload from the store.

A demo store; two of its controllers are described as critical Deployments
in manifests (each file one cluster):
  checkout-prod/checkout-worker   Ready pods on an AWS node only      -> one cloud
  data-prod/data-worker           Ready pods on an AWS and a GCP node -> several
Their spend is read independently from `allocation --aggregate
namespace,controllerKind,controller` (idle excluded, every cluster summed),
and the posture answer must carry exactly those numbers:
  critical         = a + b
  oneProvider      = a
  oneProviderShare = a / (a + b)
"""
import json
import os
import subprocess
import sys

KT, WORK = sys.argv[1], sys.argv[2]
FAILED = []
CHECKS = [0]


def check(cond, what):
    CHECKS[0] += 1
    print("ok  " if cond else "FAIL", what)
    if not cond:
        FAILED.append(what)


def run(*args, code=0):
    p = subprocess.run([KT] + list(args), capture_output=True, text=True)
    if p.returncode != code:
        raise SystemExit("kubetally %s: exit %d: %s" % (" ".join(args), p.returncode, p.stderr))
    return p


def node(name, provider_id, region):
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "labels": {"topology.kubernetes.io/region": region,
                                                  "topology.kubernetes.io/zone": region + "-a"}},
            "spec": {"providerID": provider_id}}


def deployment(ns, name):
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": ns, "labels": {"kubetally.io/critical": "true"}},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"containers": [{"name": "app", "image": "registry.test/app:1"}]}}}}


def pod(ns, name, app, node_name):
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": ns, "labels": {"app": app}},
            "spec": {"nodeName": node_name, "containers": [{"name": "app", "image": "registry.test/app:1"}]},
            "status": {"conditions": [{"type": "Ready", "status": "True"}]}}


def main():
    db = os.path.join(WORK, "spend.db")
    run("demo", "--db", "sqlite:" + db, "--days", "3", "--pods", "60", "-q")
    rows = json.loads(run("allocation", "--db", db, "--window", "30d", "--idle=false", "--aggregate",
                          "namespace,controllerKind,controller", "-o", "json").stdout)["data"][0]

    def spend(ns, name):
        return sum(r["totalCost"] for r in rows.values()
                   if r["properties"].get("namespace") == ns and r["properties"].get("controller") == name
                   and r["properties"].get("controllerKind") == "deployment")

    a, b = spend("checkout-prod", "checkout-worker"), spend("data-prod", "data-worker")
    check(a > 0 and b > 0, "the demo store prices both controllers (a=%.6f, b=%.6f)" % (a, b))
    cluster1 = [node("n-aws", "aws:///us-east-1a/i-0123", "us-east-1"),
                deployment("checkout-prod", "checkout-worker"),
                pod("checkout-prod", "cw-1", "checkout-worker", "n-aws"),
                pod("checkout-prod", "cw-2", "checkout-worker", "n-aws"),
                deployment("data-prod", "data-worker"),
                pod("data-prod", "dw-1", "data-worker", "n-aws")]
    cluster2 = [node("n-gcp", "gce://proj/europe-west1-b/n-gcp", "europe-west1"),
                deployment("data-prod", "data-worker"),
                pod("data-prod", "dw-2", "data-worker", "n-gcp")]
    files = []
    for i, objs in enumerate((cluster1, cluster2)):
        path = os.path.join(WORK, "cluster%d.json" % (i + 1))
        with open(path, "w") as f:
            json.dump({"apiVersion": "v1", "kind": "List", "items": objs}, f)
        files += ["--file", path]

    res = json.loads(run("posture", *files, "--db", db, "-o", "json", code=0).stdout)["Resilience"]
    check(res["criticalWorkloads"] == 2 and res["oneProvider"] == 1,
          "2 critical workloads, 1 on one cloud (got %s, %s)" % (res["criticalWorkloads"], res["oneProvider"]))
    s = res.get("spend", {})
    check(s.get("window") == "30d", "spend window is the default 30d")
    check(abs(s.get("critical", -1) - (a + b)) <= 1e-9 * (a + b), "spend of critical = a + b = %.6f (got %s)"
          % (a + b, s.get("critical")))
    check(abs(s.get("oneProvider", -1) - a) <= 1e-9 * a, "spend on one cloud = a = %.6f" % a)
    check(abs(s.get("oneProviderShare", -1) - a / (a + b)) <= 1e-12, "share on one cloud = a/(a+b) = %.9f"
          % (a / (a + b)))
    # without a store no spend is claimed; a bad window is one line, exit 2
    res = json.loads(run("posture", *files, "-o", "json").stdout)["Resilience"]
    check("spend" not in res, "file mode without --db: no spend")
    p = run("posture", *files, "--db", db, "--spend-window", "yesterdayish", code=2)
    check(p.stderr.count("\n") == 1 and "spend" in p.stderr, "a bad --spend-window: one line, exit 2")
    print("%d passed, %d failed" % (CHECKS[0] - len(FAILED), len(FAILED)))
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
