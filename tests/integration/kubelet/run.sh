#!/usr/bin/env bash
# Usage from the kubelet Summary API through a real kube-apiserver's node
# proxy (scripts/kube-apiserver.sh builds it once), to a stand-in kubelet
# (fake_kubelet.py) that the test feeds numbers: the 403 without the
# optional ClusterRole, the container facts and claim peaks with it, and
# PV right-sizing from them.  scenario.py holds the story and the arithmetic.
# KUBETALLY_BIN overrides the binary (e.g. an ASan build).
set -euo pipefail
cd "$(dirname "$0")/../../.."
kt=${KUBETALLY_BIN:-$PWD/build/kubetally}
[ -x "$kt" ] || make >/dev/null
work=$(mktemp -d /tmp/kt-kubelet.XXXXXX)
if python3 tests/integration/kubelet/scenario.py "$kt" "$work"; then
  rm -rf "$work"
else
  echo "--- collect.log (tail; everything is kept in $work)"; tail -30 "$work/collect.log" 2>/dev/null
  exit 1
fi
