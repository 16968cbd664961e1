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
# "-r2": built with the reflect2 fix below; a cached binary without it is not reused.
bin=$cache/kube-apiserver-1.20-r2
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
# Kubernetes 1.20 vendors modern-go/reflect2 1.0.1, which declares
# reflect.mapiterinit with its pre-Go-1.18 signature (returning the iterator).
# Debian bookworm only has Go 1.19, where it takes the iterator to fill: the
# runtime then writes through a garbage pointer and the API server dies at
# random ("fatal error: fault" in mapiterinit) while encoding JSON.  Declare
# the Go 1.19 signature, give hiter the runtime's layout, and pass one in.
r2="$tree/vendor/github.com/modern-go/reflect2"
python3 - "$r2" <<'PATCH'
import sys
d = sys.argv[1]
link = open(d + "/unsafe_link.go").read()
link = link.replace("func mapiterinit(rtype unsafe.Pointer, m unsafe.Pointer) *hiter",
                    "func mapiterinit(rtype unsafe.Pointer, m unsafe.Pointer, it *hiter)")
old_hiter = link[link.index("type hiter struct {"):]
old_hiter = old_hiter[:old_hiter.index("}\n") + 2]
link = link.replace(old_hiter, """type hiter struct {
	key         unsafe.Pointer
	value       unsafe.Pointer
	t           unsafe.Pointer
	h           unsafe.Pointer
	buckets     unsafe.Pointer
	bptr        unsafe.Pointer
	overflow    unsafe.Pointer
	oldoverflow unsafe.Pointer
	startBucket uintptr
	offset      uint8
	wrapped     bool
	B           uint8
	i           uint8
	bucket      uintptr
	checkBucket uintptr
}
""")
open(d + "/unsafe_link.go", "w").write(link)
m = open(d + "/unsafe_map.go").read()
m = m.replace("""	return &UnsafeMapIterator{
		hiter:      mapiterinit(type2.rtype, *(*unsafe.Pointer)(obj)),""", """	it := new(hiter)
	mapiterinit(type2.rtype, *(*unsafe.Pointer)(obj), it)
	return &UnsafeMapIterator{
		hiter:      it,""")
open(d + "/unsafe_map.go", "w").write(m)
assert "it *hiter)" in link and "mapiterinit(type2.rtype, *(*unsafe.Pointer)(obj), it)" in m, "reflect2 patch did not apply"
PATCH
mkdir -p "$tree/.go/src/k8s.io"
ln -sfn "$tree" "$tree/.go/src/k8s.io/kubernetes"
echo "kube-apiserver.sh: building kube-apiserver (several minutes)…" >&2
( cd "$tree/.go/src/k8s.io/kubernetes" && GOPATH="$tree/.go" CGO_ENABLED=0 GOFLAGS=-mod=vendor GO111MODULE=off \
    GOCACHE="$cache/gocache" make WHAT=cmd/kube-apiserver >&2 )
out=$(find "$tree/_output" -type f -name kube-apiserver -perm -u+x | head -1)
[ -n "$out" ] || { echo "kube-apiserver.sh: build produced no binary" >&2; exit 1; }
cp "$out" "$bin.tmp" && mv "$bin.tmp" "$bin"
echo "$bin"
