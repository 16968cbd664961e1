#!/usr/bin/env python3
"""jsondiff.py A B [TOL] — exit 0 when two JSON documents are equal, numbers
to a relative tolerance (default 1e-9, of the larger magnitude, or 1e-9
absolute near zero); else print the first few differences and exit 1."""
import json
import sys

tol = float(sys.argv[3]) if len(sys.argv) > 3 else 1e-9
diffs = []


def walk(a, b, path):
    if len(diffs) > 10:
        return
    if isinstance(a, bool) or isinstance(b, bool) or not (isinstance(a, (int, float)) and isinstance(b, (int, float))):
        if type(a) != type(b):
            diffs.append(f"{path}: {a!r} vs {b!r}")
        elif isinstance(a, dict):
            if set(a) != set(b):
                diffs.append(f"{path}: keys {sorted(set(a) ^ set(b))[:5]}")
            for k in a:
                if k in b:
                    walk(a[k], b[k], f"{path}.{k}")
        elif isinstance(a, list):
            if len(a) != len(b):
                diffs.append(f"{path}: {len(a)} vs {len(b)} items")
            for i, (x, y) in enumerate(zip(a, b)):
                walk(x, y, f"{path}[{i}]")
        elif a != b:
            diffs.append(f"{path}: {a!r} vs {b!r}")
        return
    if abs(a - b) > tol * max(1.0, abs(a), abs(b)):
        diffs.append(f"{path}: {a!r} vs {b!r}")


with open(sys.argv[1]) as fa, open(sys.argv[2]) as fb:
    walk(json.load(fa), json.load(fb), "$")
for d in diffs:
    print(d)
sys.exit(1 if diffs else 0)
