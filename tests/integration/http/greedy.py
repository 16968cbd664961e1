#!/usr/bin/env python3
"""greedy.py — one client trying to take kubetally serve from everyone.

    greedy.py slowloris PORT N     N connections that send a request line, then one
                                   header line every 2 s, never finishing; prints how
                                   many the server closed (all, once its request
                                   deadline passes; waits at most 120 s)
    greedy.py idle PORT N SRC      N idle connections from address SRC (127.0.0.2);
                                   prints how many the server refused or closed, then
                                   the status of GET /healthz from 127.0.0.1 while the
                                   rest are held

Bounded waits only: nothing here asserts how long anything took."""
import select
import socket
import sys
import time
import urllib.request

mode, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])


def closed_by_server(s):
    """True once the server has closed or reset s (non-blocking check)."""
    r, _, _ = select.select([s], [], [], 0)
    if not r:
        return False
    try:
        return s.recv(4096) == b""  # a 4xx/5xx before closing counts as closing too
    except OSError:
        return True


def connect(src=None):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if src:
        s.bind((src, 0))
    s.settimeout(10)
    try:
        s.connect(("127.0.0.1", port))
    except OSError:
        return None
    s.setblocking(False)
    return s


if mode == "slowloris":
    socks = [connect() for _ in range(n)]
    socks = [s for s in socks if s]
    for s in socks:
        s.send(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    done = set()
    i = 0
    deadline = time.monotonic() + 120
    while len(done) < len(socks) and time.monotonic() < deadline:
        for k, s in enumerate(socks):
            if k in done:
                continue
            if closed_by_server(s):
                done.add(k)
                continue
            try:
                s.send(b"X-Slow-%d: 1\r\n" % i)
            except OSError:
                done.add(k)
        i += 1
        time.sleep(2)
    print(f"{len(done)} of {len(socks)} closed")
    sys.exit(0 if len(done) == len(socks) == n else 1)

if mode == "idle":
    src = sys.argv[4]
    socks = [connect(src) for _ in range(n)]
    refused = sum(1 for s in socks if s is None)
    socks = [s for s in socks if s]
    closed = set()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # MHD closes connections over the cap right after accepting them
        for k, s in enumerate(socks):
            if k not in closed and closed_by_server(s):
                closed.add(k)
        time.sleep(0.2)
    try:
        code = urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=20).status
    except Exception as e:
        code = f"error {e}"
    print(f"{refused + len(closed)} refused or closed; healthz {code}")
