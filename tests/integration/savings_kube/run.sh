#!/usr/bin/env bash
# Savings against a real kube-apiserver (scripts/kube-apiserver.sh builds it
# once): an unclaimed volume, an orphaned load balancer and an underused node
# appear in `kubetally savings` as the live collector meters them, and
# disappear when the test deletes them; the mounted volume, the backed load
# balancer and the busy node never show.  scenario.py holds the story.
# KUBETALLY_BIN overrides the binary (e.g. an ASan build).
set -euo pipefail
cd "$(dirname "$0")/../../.."
kt=${KUBETALLY_BIN:-$PWD/build/kubetally}
[ -x "$kt" ] || make >/dev/null
work=$(mktemp -d /tmp/kt-savings-kube.XXXXXX)
if python3 tests/integration/savings_kube/scenario.py "$kt" "$work"; then
  rm -rf "$work"
else
  echo "--- collect.log (tail; everything is kept in $work)"; tail -30 "$work/collect.log" 2>/dev/null
  exit 1
fi
