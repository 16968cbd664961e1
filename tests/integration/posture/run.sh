#!/usr/bin/env bash
# Posture and health of a live cluster: one real kube-apiserver (built from
# Debian's kubernetes source once, scripts/kube-apiserver.sh) and etcd, with
# kubetally reading it as the ClusterRole in deploy/ allows.  scenario.py
# holds the story and the hand-checked numbers.  KUBETALLY_BIN overrides
# the binary (e.g. an ASan build).
set -euo pipefail
cd "$(dirname "$0")/../../.."
kt=${KUBETALLY_BIN:-$PWD/build/kubetally}
work=$(mktemp -d /tmp/kt-posture.XXXXXX)
mkdir -p "$work/kept"   # kept.py: its own API server and etcd
if python3 tests/integration/posture/scenario.py "$kt" "$work" &&
   python3 tests/integration/posture/spend.py "$kt" "$work" &&
   python3 tests/integration/posture/kept.py "$kt" "$work/kept"; then
  rm -rf "$work"
else
  echo "--- kept in $work"
  exit 1
fi
