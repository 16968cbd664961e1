#!/usr/bin/env bash
# Deployment manifests: deploy/agent and deploy/central are applied with
# `kubectl apply --dry-run=server -k` to a real kube-apiserver (the kube
# suite's harness: etcd + kube-apiserver on loopback, admin token), so the
# API server validates every object; both render and pass kubetally's own
# Pod Security Standards check at the restricted level; the Dockerfile
# installs exactly scripts/setup.sh's packages (it runs the script) and
# runs as non-root; the systemd unit names the serve command.
# Needs kubectl (with its built-in kustomize) on PATH: skipped otherwise.
set -uo pipefail
cd "$(dirname "$0")/../../.."
root=$PWD
kt=$root/build/kubetally
. tests/integration/lib.sh
command -v kubectl >/dev/null || { echo "SKIP kubectl not installed"; exit 0; }

for base in agent central; do
  kubectl kustomize "deploy/$base" > "$tmp/$base.yaml" 2>"$tmp/$base.err" && ok "deploy/$base renders" ||
    bad "deploy/$base: $(head -3 "$tmp/$base.err")"
done
out=$($kt posture -f "$tmp/agent.yaml" -f "$tmp/central.yaml" --level restricted 2>&1)
[[ "$out" == *"restricted"*"2 of 2 pods pass"* && "$out" == *"rejects 0 of 1 pods"* ]] &&
  ok "both Deployments meet the Pod Security Standards' restricted level" || bad "PSS restricted: $(echo "$out" | tail -4)"
for want in "kind: NetworkPolicy" "kind: ServiceAccount" "livenessProbe" "path: /healthz" "secretKeyRef" \
            "runAsNonRoot: true" "readOnlyRootFilesystem: true"; do
  grep -q "$want" "$tmp/agent.yaml" && grep -q "$want" "$tmp/central.yaml" && ok "both bases have $want" ||
    bad "missing $want"
done
python3 - "$tmp/agent.yaml" <<'PY' && ok "the agent spools to an emptyDir (--spool-dir on its mount)" || bad "agent: no spool volume"
import sys, yaml
dep = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d and d["kind"] == "Deployment"][0]["spec"]["template"]["spec"]
c = dep["containers"][0]
path = c["args"][c["args"].index("--spool-dir") + 1]
vol = [m["name"] for m in c["volumeMounts"] if m["mountPath"] == path][0]
assert "emptyDir" in [v for v in dep["volumes"] if v["name"] == vol][0]
PY
grep -q "kind: ClusterRole$" "$tmp/central.yaml" && bad "central has a ClusterRole (it reads only the database)" ||
  ok "central has no Kubernetes permissions"
! grep -qE "verbs: \[.*(create|update|patch|delete)" deploy/agent/rbac.yaml && ok "agent's role only reads" ||
  bad "agent's role writes"
# the collector watches the kinds posture reads (src/kube/decode.c's posture-only kinds):
# exactly list and watch on each, nothing more
python3 - deploy/kubetally-rbac.yaml <<'PY' && ok "kubetally-rbac.yaml: list, watch on exactly the posture kinds" ||
import sys, yaml
role = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d and d["kind"] == "ClusterRole"][0]
posture = {"serviceaccounts", "configmaps", "deployments", "statefulsets", "daemonsets", "cronjobs",
           "poddisruptionbudgets", "horizontalpodautoscalers", "networkpolicies", "ingresses", "roles",
           "clusterroles", "rolebindings", "clusterrolebindings"}
seen = set()
for r in role["rules"]:
    for res in r["resources"]:
        if res in posture:
            assert r["verbs"] == ["list", "watch"], (res, r["verbs"])
            seen.add(res)
assert seen == posture, posture - seen
PY
  bad "kubetally-rbac.yaml: posture kinds' verbs"
# the optional kubelet-stats component: get on nodes/proxy and --kubelet-stats, never in the base
mkdir -p "$tmp/ov" && cp -r deploy "$tmp/ov/deploy" && mkdir -p "$tmp/ov/o" &&
  printf 'resources: [../deploy/agent]\ncomponents: [../deploy/agent/kubelet-stats]\n' > "$tmp/ov/o/kustomization.yaml"
kubectl kustomize "$tmp/ov/o" > "$tmp/kstats.yaml" 2>"$tmp/kstats.err" &&
  grep -q "nodes/proxy" "$tmp/kstats.yaml" && grep -q -- "- --kubelet-stats" "$tmp/kstats.yaml" &&
  ok "deploy/agent/kubelet-stats adds nodes/proxy and --kubelet-stats" || bad "kubelet-stats component: $(head -3 "$tmp/kstats.err")"
! grep -q "nodes/proxy" "$tmp/agent.yaml" deploy/kubetally-rbac.yaml && ok "the base roles do not reach the kubelets" ||
  bad "nodes/proxy in a base role"
grep -A8 "^rules:" deploy/agent/kubelet-stats/rbac.yaml deploy/kubetally-kubelet-stats-rbac.yaml | grep -q "verbs: \[get\]$" &&
  ! grep -qE "verbs: \[.*(list|watch|create|update|patch|delete)" deploy/agent/kubelet-stats/rbac.yaml \
    deploy/kubetally-kubelet-stats-rbac.yaml && ok "the kubelet-stats roles only get nodes/proxy" || bad "kubelet-stats verbs"
grep -q "scripts/setup.sh" Dockerfile && grep -q "^USER 65532" Dockerfile && ok "Dockerfile runs setup.sh, user 65532" ||
  bad "Dockerfile"
grep -q "ExecStart=/usr/local/bin/kubetally serve" deploy/systemd/kubetally.service && ok "systemd unit runs serve" ||
  bad "systemd unit"

# a real API server validates every object (server-side dry run)
python3 - "$tmp" <<'PY' > "$tmp/api.env" 2>"$tmp/api.err" &
import os, signal, sys, time
# the suite's cleanup sends SIGTERM: leave through `finally`, which stops the
# servers (killed outright, they outlived the suite)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
sys.path.insert(0, "tests/integration/kube")
import harness
tmp = sys.argv[1]
pki = harness.PKI(os.path.join(tmp, "pki"))
etcd = harness.Etcd(tmp)
api = harness.APIServer("deploy", tmp, pki, etcd, harness.kube_apiserver_binary())
print("SERVER=%s\nTOKEN=%s\nCA=%s" % (api.url, pki.admin_token, pki.path("ca.crt")), flush=True)
try:
    while not os.path.exists(os.path.join(tmp, "done")):
        time.sleep(0.2)
finally:
    api.stop()
    etcd.stop()
PY
pids+=("$!")
# etcd and the API server take a while on a loaded machine: up to 2 minutes
KT_WAIT_TRIES=1200 until_ok '[ -s "$tmp/api.env" ]' || { bad "API server did not start"; tail -5 "$tmp/api.err"; exit 1; }
. "$tmp/api.env"
cat > "$tmp/kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters: [{name: t, cluster: {server: "$SERVER", certificate-authority: "$CA"}}]
users: [{name: admin, user: {token: "$TOKEN"}}]
contexts: [{name: t, context: {cluster: t, user: admin}}]
current-context: t
KC
# a dry run persists nothing, so the namespace the bases' objects go into is made for real first
KUBECONFIG=$tmp/kubeconfig kubectl create namespace kubetally >/dev/null 2>&1 || bad "create namespace"
for base in agent central; do
  out=$(KUBECONFIG=$tmp/kubeconfig kubectl apply --dry-run=server -k "deploy/$base" 2>&1); rc=$?
  n=$(grep -c "(server dry run)" <<<"$out")
  objs=$(grep -c "^kind:" "$tmp/$base.yaml")
  [ $rc = 0 ] && [ "$n" = "$objs" ] && ok "kubectl apply --dry-run=server -k deploy/$base: $n objects accepted" ||
    bad "dry run of deploy/$base (exit $rc, $n of $objs): $(head -5 <<<"$out")"
done
touch "$tmp/done"
until_ok '! kill -0 '"${pids[-1]}"' 2>/dev/null' || bad "the API server did not stop"
echo "$fails failed"
[ "$fails" = 0 ]
