"""fake_kubelet.py — a stand-in kubelet the real kube-apiserver proxies to
(GET /api/v1/nodes/NAME/proxy/stats/summary → https://IP:PORT/stats/summary).

No kubelet runs in the tests: this server answers the Summary API from a
table the test writes to a file (re-read on every request, so the test can
change what the "kubelet" reports), stamped with the time of each request.
It demands a client certificate signed by the test CA, as a kubelet does
(the API server presents --kubelet-client-certificate), and counts the
requests it answered in COUNT_FILE.

  python3 fake_kubelet.py HOST PORT CERT KEY CA TABLE_FILE COUNT_FILE
TABLE_FILE: {"node": "n1", "pods": {"ns/pod": {"containers": {"c": [nanoCores, workingSetBytes]},
             "network": [rx bytes/s, tx bytes/s], "volumes": {"claim": [usedBytes, capacityBytes]}}}}
The network counters grow at those rates from START (this server's start,
whole seconds): rxBytes = rate × (now − START), now being the whole second
the answer is stamped with, so any two answers differ by rate × their
time difference exactly.
"""
import http.server
import json
import os
import socketserver
import ssl
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "kube"))
import harness  # noqa: E402

host, port, cert, key, ca, table_file, count_file = sys.argv[1:8]
served = 0
START = int(time.time())


def summary():
    with open(table_file) as f:
        table = json.load(f)
    t = int(time.time())
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
    pods = []
    for nsname, p in table["pods"].items():
        ns, name = nsname.split("/")
        pods.append({
            "podRef": {"name": name, "namespace": ns, "uid": "uid-" + name},
            "startTime": now,
            "containers": [{"name": c, "startTime": now,
                            "cpu": {"time": now, "usageNanoCores": v[0], "usageCoreNanoSeconds": 123456789},
                            "memory": {"time": now, "workingSetBytes": v[1], "usageBytes": v[1] + 4096,
                                       "rssBytes": v[1]}}
                           for c, v in p.get("containers", {}).items()],
            "network": {"time": now, "name": "eth0", "rxBytes": p["network"][0] * (t - START),
                        "txBytes": p["network"][1] * (t - START),
                        "interfaces": [{"name": "eth0", "rxBytes": p["network"][0] * (t - START),
                                        "txBytes": p["network"][1] * (t - START)}]},
            "volume": [{"time": now, "name": "v%d" % i, "usedBytes": v[0], "capacityBytes": v[1],
                        "availableBytes": v[1] - v[0], "pvcRef": {"name": c, "namespace": ns}}
                       for i, (c, v) in enumerate(p.get("volumes", {}).items())] +
                      [{"time": now, "name": "kube-api-access", "usedBytes": 12288, "capacityBytes": 1 << 30}],
        })
    return {"node": {"nodeName": table["node"], "startTime": now,
                     "cpu": {"time": now, "usageNanoCores": 1}, "memory": {"time": now, "workingSetBytes": 1}},
            "pods": pods}


class Handler(harness.QuietHandler):
    def do_GET(self):
        global served
        if self.path.split("?")[0] != "/stats/summary":
            return harness.reply(self, 404, {"message": "not found"})
        harness.reply(self, 200, summary())
        served += 1
        with open(count_file + ".tmp", "w") as f:
            f.write(str(served))
        os.replace(count_file + ".tmp", count_file)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


srv = Server((host, int(port)), Handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
ctx.load_verify_locations(ca)
ctx.verify_mode = ssl.CERT_REQUIRED  # only the API server (its kubelet client certificate) may ask
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
srv.serve_forever()
