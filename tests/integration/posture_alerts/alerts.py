"""alerts.py — posture and health alerts from a live cluster to real receivers.

  alerts.py KUBETALLY WORKDIR ALERTMANAGER_PORT SMTP_PORT

The cluster is tests/integration/posture/scenario.py's (its helpers are
reused): context prod-eks; namespace shop labelled data-residency=eu; pod
shop/api-1 runs privileged on node n-us (us-east-1) and crash-loops; pod
default/mem-1 was OOM-killed.  serve watches it with --posture-interval 1s
and these rules (evaluateEvery 30s, the least allowed):
  posture-eu  type posture (danger), checks [residency, pss, runAsPrivileged],
              ownerContact secops@example.com
  pods        type health, checks [CrashLoopBackOff, OOMKilled]
Expected, by hand from the story:
  KubetallyPosture  residency/eu, pss-baseline/privileged, runAsPrivileged —
                    all three on shop/Pod/api-1 in prod-eks, severity critical
  KubetallyHealth   CrashLoopBackOff on shop/api-1, OOMKilled on default/mem-1
  = 5 alerts in Alertmanager, 5 Alertmanager notifications and 3 mails
  (the posture rule's owner); a round later still 5 + 3 (told once).
Then api-1 runs again: its crash loop resolves (mem-1's OOMKilled stays);
then api-1 is deleted: the three posture alerts resolve, 3 [RESOLVED] mails.
"""
import importlib.util
import json
import os
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
KT, WORK, AMPORT, SMTPPORT = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
sys.argv = [sys.argv[0], KT, WORK]  # scenario.py reads its own two arguments on import
sys.path.insert(0, os.path.join(HERE, "..", "kube"))
import harness  # noqa: E402

_spec = importlib.util.spec_from_file_location("posture_scenario", os.path.join(HERE, "..", "posture", "scenario.py"))
scenario = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(scenario)

FAILED = []
CHECKS = [0]
AM = "http://127.0.0.1:%d" % AMPORT


def check(cond, what):
    CHECKS[0] += 1
    print("ok  " if cond else "FAIL", what)
    if not cond:
        FAILED.append(what)
    return cond


def until(cond, tries=1200):
    """Poll cond (bounded: tries × 0.1 s, past two 30 s alert rounds); True once it holds."""
    for _ in range(tries):
        try:
            if cond():
                return True
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.1)
    return False


def am_alerts(name):
    with urllib.request.urlopen(AM + "/api/v2/alerts?filter=alertname%3D%22" + name + "%22", timeout=10) as r:
        return json.load(r)


def am_keys(name):
    return sorted((a["labels"].get("check"), a["labels"].get("namespace"), a["labels"].get("name"))
                  for a in am_alerts(name))


def kt_alerts(db):
    r = subprocess.run([KT, "alerts", "--db", db, "-o", "json"], capture_output=True, text=True, timeout=60)
    return json.loads(r.stdout)["data"]


def smtp_subjects():
    with open(os.path.join(WORK, "smtp.log"), errors="replace") as f:
        return [ln[len("Subject: "):].strip() for ln in f if ln.startswith("Subject: ")]


def main():
    work = os.path.join(WORK, "kube")
    os.makedirs(work)
    pki = harness.PKI(os.path.join(work, "pki"))
    etcd = harness.Etcd(work)
    api = harness.APIServer("eks", work, pki, etcd, harness.kube_apiserver_binary())
    serve = None
    try:
        c = api.admin
        c.apply_yaml_docs(open(os.path.join(harness.ROOT, "deploy", "kubetally-rbac.yaml")).read())
        c.bind_reader("kubetally-token")
        scenario.node(c, "n-eu", "eu-west-1", "eu-west-1a", True)
        scenario.node(c, "n-us", "us-east-1", "us-east-1a", True)
        c.namespace("shop", {"data-residency": "eu"})
        scenario.pod(c, "shop", "api-1", "n-us", {"app": "api"}, privileged=True)
        scenario.status(c, "shop", "api-1", False, {"waiting": {"reason": "CrashLoopBackOff"}})
        scenario.pod(c, "default", "mem-1", "n-eu", {"app": "mem"})
        scenario.status(c, "default", "mem-1", True, {"running": {}},
                        {"terminated": {"reason": "OOMKilled", "exitCode": 137}})
        cfg = scenario.kubeconfig(os.path.join(work, "kubeconfig"), api, pki)
        rules = os.path.join(work, "rules.yaml")
        with open(rules, "w") as f:
            f.write("residency:\n  - name: eu\n    label: data-residency=eu\n    regions: [eu-*, europe-*]\n")
        conf = os.path.join(work, "k.yaml")
        with open(conf, "w") as f:
            f.write("evaluateEvery: 30s\n"
                    "alerts:\n"
                    "  - id: posture-eu\n    type: posture\n    checks: [residency, pss, runAsPrivileged]\n"
                    "    ownerContact: [secops@example.com]\n"
                    "  - id: pods\n    type: health\n    checks: [CrashLoopBackOff, OOMKilled]\n"
                    "receivers:\n"
                    "  - {name: am, type: alertmanager, url: '%s'}\n"
                    "  - {name: mail, type: email, url: 'smtp://127.0.0.1:%d', from: kubetally@example.com, "
                    "tls: none}\n"
                    "delivery: {maxAttempts: 10, initialBackoff: 1s, maxBackoff: 2s}\n" % (AM, SMTPPORT))
        db = "sqlite:" + os.path.join(work, "a.db")
        log = open(os.path.join(work, "serve.log"), "w")
        serve = subprocess.Popen([KT, "serve", "--db", db, "--listen", "127.0.0.1:0", "--kubeconfig", cfg,
                                  "--context", "prod-eks", "--posture-rules", rules, "--posture-interval", "1s",
                                  "--config", conf], stderr=log)

        want_posture = sorted([("pss-baseline/privileged", "shop", "api-1"), ("residency/eu", "shop", "api-1"),
                               ("runAsPrivileged", "shop", "api-1")])
        want_health = sorted([("CrashLoopBackOff", "shop", "api-1"), ("OOMKilled", "default", "mem-1")])
        ok = until(lambda: am_keys("KubetallyPosture") == want_posture and am_keys("KubetallyHealth") == want_health)
        if not check(ok, "alertmanager: 3 KubetallyPosture alerts on api-1, KubetallyHealth on api-1 and mem-1"):
            print("   posture:", am_keys("KubetallyPosture"), "health:", am_keys("KubetallyHealth"))
        a = [x for x in am_alerts("KubetallyPosture") if x["labels"].get("check") == "residency/eu"]
        check(a and a[0]["labels"].get("cluster") == "prod-eks" and a[0]["labels"].get("severity") == "critical"
              and a[0]["labels"].get("kind") == "Pod" and a[0]["labels"].get("rule") == "posture-eu"
              and "us-east-1" in a[0]["annotations"].get("summary", ""),
              "residency alert: cluster prod-eks, kind Pod, severity critical, rule posture-eu, summary names us-east-1")
        check(until(lambda: sorted(smtp_subjects()) == ["[FIRING] posture cluster prod-eks"] * 3),
              "3 mails to the posture rule's owner: [FIRING] posture cluster prod-eks (got %s)" % smtp_subjects())

        # told once: a round later, still one notification per alert
        def rounds():
            return [r["lastRun"] for r in kt_alerts(db)["rules"] if r["id"] == "pods"]
        first = rounds()
        check(until(lambda: rounds() != first), "the rules ran again")
        notes = kt_alerts(db)["notifications"]
        firing = [n for n in notes if n["event"] == "firing"]
        check(len(firing) == 8 and all(n["status"] == "delivered" for n in firing),
              "8 firing notifications (5 alertmanager + 3 mails), all delivered, none repeated (got %d)" % len(firing))

        # fixed: api-1 runs; its crash loop resolves, mem-1's OOMKilled stays
        scenario.status(c, "shop", "api-1", True, {"running": {}})
        ok = until(lambda: am_keys("KubetallyHealth") == [("OOMKilled", "default", "mem-1")])
        check(ok, "api-1 running: its CrashLoopBackOff alert resolved in alertmanager, OOMKilled stays (%s)"
              % am_keys("KubetallyHealth"))
        # deleted: its residency, PSS and Polaris findings go, and so do the alerts
        c.delete("/api/v1/namespaces/shop/pods/api-1?gracePeriodSeconds=0")
        check(until(lambda: am_alerts("KubetallyPosture") == []),
              "api-1 deleted: the 3 posture alerts resolved in alertmanager (%s)" % am_keys("KubetallyPosture"))
        check(until(lambda: sorted(smtp_subjects()).count("[RESOLVED] posture cluster prod-eks") == 3),
              "3 [RESOLVED] mails (got %s)" % smtp_subjects())
        st = {a["rule"] + " " + a["value"]: a["firing"] for a in kt_alerts(db)["alerts"]}
        check(st.get("pods OOMKilled/prod-eks/default/Pod/mem-1") is True
              and st.get("pods CrashLoopBackOff/prod-eks/shop/Pod/api-1") is False
              and st.get("posture-eu residency/eu/prod-eks/shop/Pod/api-1") is False,
              "kubetally alerts: mem-1 firing, api-1's alerts resolved")
        serve.terminate()
        check(serve.wait(timeout=60) == 0, "serve stops cleanly on SIGTERM (an ASan build: no error at exit)")
        serve = None
    finally:
        if serve:
            serve.terminate()
            serve.wait(timeout=60)
        api.stop()
        etcd.stop()
    print("%d passed, %d failed" % (CHECKS[0] - len(FAILED), len(FAILED)))
    if FAILED:
        print("--- serve log:\n" + open(os.path.join(work, "serve.log")).read()[-3000:])
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
