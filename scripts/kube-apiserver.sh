#!/usr/bin/env bash
# kube-apiserver.sh — print the path of a kube-apiserver binary for the tests,
# building it once from Debian's `kubernetes` source package when needed.
#
# Debian ships no kube-apiserver, but its kubernetes source (1.20, vendored)
# builds one: add a deb-src line for the same mirror, `apt-get source
# kubernetes`, and `make WHAT=cmd/kube-apiserver` with GOPATH pointing at the
# tree (about 5 minutes on 2 cores).  The binary is cached outside the
# checkout ($KUBETALLY_CACHE, default ~/.cache/kubetally) so CI and later runs
# reuse it; one already on PATH wins.
set -euo pipefail
if command -v kube-apiserver >/dev/null 2>&1; then command -v kube-apiserver; exit 0; fi
cache=${KUBETALLY_CACHE:-$HOME/.cache/kubetally}
bin=$cache/kube-apiserver
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi
mkdir -p "$cache"
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
need=()
for p in golang-go rsync dpkg-dev make; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
srcs=/etc/apt/sources.list.d/kubetally-src.sources
if ! grep -rqs '^Types:.*deb-src\|^deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  uri=$(grep -h '^URIs:' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1 | awk '{print $2}')
  uri=${uri:-http://deb.debian.org/debian}
  printf 'Types: deb-src\nURIs: %s\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    "$uri" | $SUDO tee "$srcs" >/dev/null
  $SUDO apt-get update -qq >&2
fi
[ ${#need[@]} -gt 0 ] && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >&2
work=$(mktemp -d "$cache/build.XXXXXX")
trap 'rm -rf "$work"' EXIT
( cd "$work" && apt-get source -qq kubernetes >&2 )
tree=$(find "$work" -maxdepth 1 -mindepth 1 -type d -name 'kubernetes-*' | head -1)
[ -n "$tree" ] || { echo "kube-apiserver.sh: apt-get source kubernetes gave no tree" >&2; exit 1; }
mkdir -p "$tree/.go/src/k8s.io"
ln -sfn "$tree" "$tree/.go/src/k8s.io/kubernetes"
echo "kube-apiserver.sh: building kube-apiserver (several minutes)…" >&2
( cd "$tree/.go/src/k8s.io/kubernetes" && GOPATH="$tree/.go" CGO_ENABLED=0 GOFLAGS=-mod=vendor GO111MODULE=off \
    GOCACHE="$cache/gocache" make WHAT=cmd/kube-apiserver >&2 )
out=$(find "$tree/_output" -type f -name kube-apiserver -perm -u+x | head -1)
[ -n "$out" ] || { echo "kube-apiserver.sh: build produced no binary" >&2; exit 1; }
cp "$out" "$bin.tmp" && mv "$bin.tmp" "$bin"
echo "$bin"
