#!/usr/bin/env python3
"""fake_prom.py — a misbehaving Prometheus for run.sh's error cases.

    fake_prom.py PORT MODE [UPSTREAM] [N]     (PORT 0: bind any free port and print it)

MODE  slow      sleep 30 s before answering anything
      error     HTTP 422 with Prometheus's error JSON (execution error)
      partial   a successful answer carrying a Thanos-style warning
      html      HTTP 200 with an HTML login page (a proxy in the way)
      flaky     forward the first N requests to UPSTREAM, then HTTP 503 forever
      auth      forward to UPSTREAM only with "Authorization: Bearer s3cret", else 401
      big       a well-formed 2 MiB answer (one series with a 2 MiB label)
"""
import sys
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, mode = int(sys.argv[1]), sys.argv[2]
upstream = sys.argv[3] if len(sys.argv) > 3 else ""
limit = int(sys.argv[4]) if len(sys.argv) > 4 else 0
served = 0


class H(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def send(self, code, body, ctype="application/json"):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def forward(self, body):
        req = urllib.request.Request(upstream + self.path, data=body, method=self.command,
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        with urllib.request.urlopen(req) as r:
            self.send(r.status, r.read())

    def do_POST(self):
        global served
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        served += 1
        if mode == "slow":
            time.sleep(30)
            self.send(200, b'{"status":"success","data":{"resultType":"vector","result":[]}}')
        elif mode == "error":
            self.send(422, b'{"status":"error","errorType":"execution","error":"query processing would load too many samples into memory in query execution"}')
        elif mode == "partial":
            self.send(200, b'{"status":"success","warnings":["No StoreAPIs matched for this query: store 10.0.0.9:10901 unavailable"],"data":{"resultType":"vector","result":[]}}')
        elif mode == "html":
            self.send(200, b"<html><body>Sign in to continue</body></html>", "text/html")
        elif mode == "flaky":
            if served <= limit:
                self.forward(body)
            else:
                self.send(503, b'{"status":"error","errorType":"unavailable","error":"upstream went away"}')
        elif mode == "big":
            pad = b"x" * (2 << 20)
            self.send(200, b'{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"pad":"' + pad +
                      b'"},"values":[]}]}}')
        elif mode == "auth":
            if self.headers.get("Authorization") == "Bearer s3cret":
                self.forward(body)
            else:
                self.send(401, b"Unauthorized\n", "text/plain")

    do_GET = do_POST


srv = ThreadingHTTPServer(("127.0.0.1", port), H)
print(srv.server_address[1], flush=True)  # the port bound, once it is (PORT 0 lets the OS pick)
srv.serve_forever()
