"""fake_metrics.py — a metrics.k8s.io API server the real kube-apiserver
aggregates (APIService v1beta1.metrics.k8s.io), as metrics-server is.

No kubelet runs in the tests, so there is no real usage to report: this
server answers PodMetrics from a fixed table, stamped with the time of each
request, which lets the test compute by hand what kubetally must make of it.

  python3 fake_metrics.py PORT CERT KEY USAGE_JSON
USAGE_JSON: {"ns/pod": {"container": ["cpu quantity", "memory quantity"]}}
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

port, cert, key, usage = int(sys.argv[1]), sys.argv[2], sys.argv[3], json.loads(sys.argv[4])

DISCOVERY = {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "metrics.k8s.io/v1beta1",
             "resources": [{"name": "pods", "singularName": "", "namespaced": True, "kind": "PodMetrics",
                            "verbs": ["get", "list"]},
                           {"name": "nodes", "singularName": "", "namespaced": False, "kind": "NodeMetrics",
                            "verbs": ["get", "list"]}]}


def pod_metrics():
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    items = []
    for nsname, ctrs in usage.items():
        ns, name = nsname.split("/")
        items.append({"metadata": {"name": name, "namespace": ns}, "timestamp": now, "window": "30s",
                      "containers": [{"name": c, "usage": {"cpu": v[0], "memory": v[1]}} for c, v in ctrs.items()]})
    return {"kind": "PodMetricsList", "apiVersion": "metrics.k8s.io/v1beta1", "metadata": {}, "items": items}


class Handler(harness.QuietHandler):
    def do_GET(self):
        path = self.path.split("?")[0].rstrip("/")
        if path == "/apis/metrics.k8s.io/v1beta1":
            self.answer(200, DISCOVERY)
        elif path == "/apis/metrics.k8s.io/v1beta1/pods":
            self.answer(200, pod_metrics())
        else:
            self.answer(404, {"kind": "Status", "apiVersion": "v1", "status": "Failure", "code": 404,
                              "message": "not found"})

    def answer(self, code, obj):
        harness.reply(self, code, obj)


harness.serve_tls(Handler, "0.0.0.0", port, cert, key)
