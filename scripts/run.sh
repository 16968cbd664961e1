#!/usr/bin/env bash
# run.sh — the README's first command: build kubetally and run its main job.
# With a kubeconfig (KUBECONFIG or ~/.kube/config) and the collector built,
# it watches those clusters; otherwise it writes the built-in demo fleet into
# the embedded SQLite store and shows what it costs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
make -s -j2
kt=build/kubetally

kubeconfig="${KUBECONFIG:-$HOME/.kube/config}"
if [ -f "${kubeconfig%%:*}" ] && [ "${KUBETALLY_DEMO:-}" != 1 ]; then
  cat <<NEXT
kubetally: watching every context in $kubeconfig and serving the dashboard.
  open http://127.0.0.1:9003/          (costs appear after the first minute)
  in another terminal:  build/kubetally clusters
                        build/kubetally allocation --window today --aggregate cluster,namespace
  Ctrl-C stops; what was metered stays in the store.  KUBETALLY_DEMO=1 shows the demo fleet instead.
NEXT
  exec $kt serve --all-contexts
fi

echo "kubetally: no kubeconfig found; writing the demo fleet (4 clusters in 4 clouds, 30 days)"
$kt demo --days 30 --pods 600
echo
$kt clusters
echo
$kt allocation --window 7d --aggregate cluster
echo
$kt allocation --window 7d --aggregate namespace,label:team | head -25
cat <<'NEXT'

Next:
  build/kubetally allocation --window 30d --aggregate label:team --share-idle
  build/kubetally allocation --window 7d --aggregate namespace --step 1d -o csv
  build/kubetally assets --window 7d --aggregate type
  build/kubetally allocation --window 7d --filter 'cluster:"aws-prod-us-east-1" + namespace~:"prod"' -o json
NEXT
if $kt serve --help >/dev/null 2>&1; then
  echo "  build/kubetally serve     # then open http://127.0.0.1:9003/"
fi
