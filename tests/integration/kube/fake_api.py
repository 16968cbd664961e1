"""fake_api.py — a misbehaving "API server" for kubetally's failure tests.

  python3 fake_api.py PORT CERT KEY malformed   answers every request 200 with broken JSON
  python3 fake_api.py PORT CERT KEY hang        completes TLS, reads the request, never answers
  python3 fake_api.py PORT CERT KEY stall       answers lists (empty), then opens every watch and
                                                never sends a byte on it
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

port, cert, key, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]


class Handler(harness.QuietHandler):
    def do_GET(self):
        if mode == "hang":
            time.sleep(3600)
            return
        if mode == "stall":
            self.stall()
            return
        body = b'{"kind":"PodList","items":[{"metadata":{"name":"x"' if "pods" in self.path else b"{not json"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def stall(self):
        if "metrics.k8s.io" in self.path:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if "watch=1" in self.path:  # headers, then silence
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.flush()
            time.sleep(3600)
            return
        harness.reply(self, 200, {"kind": "List", "apiVersion": "v1", "metadata": {"resourceVersion": "7"},
                                  "items": []})


harness.serve_tls(Handler, "127.0.0.1", port, cert, key)
