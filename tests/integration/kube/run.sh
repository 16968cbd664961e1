#!/usr/bin/env bash
# Live collector against three real kube-apiservers (built from Debian's
# kubernetes source once, scripts/kube-apiserver.sh) and one etcd, plus two
# misbehaving endpoints.  scenario.py holds the story and the hand-checked
# numbers.  KUBETALLY_BIN overrides the binary (e.g. an ASan build).
set -euo pipefail
cd "$(dirname "$0")/../../.."
kt=${KUBETALLY_BIN:-$PWD/build/kubetally}
work=$(mktemp -d /tmp/kt-kube.XXXXXX)
if python3 tests/integration/kube/scenario.py "$kt" "$work"; then
  rm -rf "$work"
else
  echo "--- collect.log (tail; everything is kept in $work)"; tail -40 "$work/collect.log" 2>/dev/null
  exit 1
fi
