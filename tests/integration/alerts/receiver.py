#!/usr/bin/env python3
"""receiver.py — a webhook receiver for tests/integration/alerts/run.sh.

  receiver.py PORT SECRET_FILE LOG_FILE FAIL_FIRST

Answers the first FAIL_FIRST POSTs with HTTP 500 (to make kubetally retry),
then 200.  Every POST is appended to LOG_FILE as one JSON line: the answer it
got, whether X-Kubetally-Signature is HMAC-SHA256(secret, body), the
X-Kubetally-Delivery id, the event, the path, and a chat message's text
(POSTs to /slack stand for a Slack incoming webhook).  Stops by itself after 10 minutes."""
import hashlib
import hmac
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

port, secret_file, log_file, fail_first = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
secret = open(secret_file, "rb").read().rstrip(b"\r\n")
lock = threading.Lock()
seen = [0]


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        want = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
        got = self.headers.get("X-Kubetally-Signature", "")
        with lock:
            seen[0] += 1
            status = 500 if seen[0] <= fail_first else 200
            try:
                doc = json.loads(body)
            except ValueError:
                doc = {}
            with open(log_file, "a") as f:
                f.write(json.dumps({"status": status, "verified": hmac.compare_digest(want, got),
                                    "delivery": self.headers.get("X-Kubetally-Delivery"), "event": doc.get("event"),
                                    "path": self.path, "text": doc.get("text")}) + "\n")
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = HTTPServer(("127.0.0.1", port), Handler)
stopper = threading.Timer(600, server.shutdown)
stopper.daemon = True
stopper.start()
server.serve_forever()
