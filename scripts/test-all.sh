#!/usr/bin/env bash
# test-all.sh — the README's second command: set up and run every test.
#   unit tests (tests/unit), then every tests/integration/*/run.sh and
#   tests/browser/run.sh that exists.  Exits non-zero if any fails.
#   KUBETALLY_SKIP_SLOW=1 runs the unit tests only.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test || { echo "setup failed" >&2; exit 1; }
make -s -j2 || exit 1
failed=()
make -s test || failed+=("unit tests")
if [ "${KUBETALLY_SKIP_SLOW:-}" != 1 ]; then
  for t in tests/integration/*/run.sh tests/browser/run.sh; do
    [ -x "$t" ] || continue
    echo "=== $t"
    start=$(date +%s)
    if timeout 1200 "$t"; then echo "=== $t passed in $(( $(date +%s) - start ))s"
    else echo "=== $t FAILED"; failed+=("$t"); fi
  done
fi
if [ ${#failed[@]} -gt 0 ]; then
  printf 'FAILED: %s\n' "${failed[@]}"
  exit 1
fi
echo "all tests passed"
