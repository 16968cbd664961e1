#!/usr/bin/env bash
# OpenCost's own clients against kubetally (issue 11), all on loopback:
#   1. the OpenCost UI's current and legacy builds (../shared/clients/opencost-ui-v1.121.0,
#      built with its npm dependencies from the npm registry) served by Debian's
#      nginx configured from the UI image's default.nginx.conf.template
#      (BASE_URL=/model, `proxy_pass http://model/`, so kubetally sees
#      Host: model and runs with --allow-host model), driven by playwright-core
#      and /usr/bin/chromium: Home, Allocations, Infra Assets, a report and the legacy
#      allocation page show what
#      `kubetally allocation|assets -o json` answers for the same window;
#   2. kubectl-cost's requests, sent as its source sends them and decoded as
#      its Go types decode them (kubectl_cost.py);
#   3. the OpenCost mixin's dashboard and rule queries through a real
#      Prometheus scraping kubetally with honor_labels (mixin.py).
# Skips with a note (exit 0) when ../shared/clients is absent.  Installs what
# it needs (apt: nginx, chromium, prometheus; npm: playwright-core, the UI's
# dependencies) and caches the UI build in $KUBETALLY_CACHE (~/.cache/kubetally).
set -uo pipefail
cd "$(dirname "$0")/../../.."
root=$PWD
here=$root/tests/integration/opencost
kt=${KUBETALLY_BIN:-$root/build/kubetally}
clients=${KUBETALLY_SHARED:-$root/../shared}/clients
if [ ! -d "$clients/opencost-ui-v1.121.0" ]; then
  echo "skipped: $clients/opencost-ui-v1.121.0 is absent (the real OpenCost clients live in ../shared/clients)"
  exit 0
fi
need_apt=()
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need_apt+=(nginx)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
command -v prometheus >/dev/null || need_apt+=(prometheus)
command -v npm >/dev/null || need_apt+=(npm)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing ${need_apt[*]} (Debian packages)"
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null || exit 1
fi
nginx=$(command -v nginx || echo /usr/sbin/nginx)
for t in python3 curl; do command -v $t >/dev/null || { echo "missing $t"; exit 1; }; done
make -s >/dev/null || exit 1
[ -d "$here/node_modules/playwright-core" ] || (cd "$here" && npm ci --no-audit --no-fund --silent) || exit 1

# The UI, built once per package-lock.json into the cache (npm ci + npm run build: a few minutes).
cache=${KUBETALLY_CACHE:-$HOME/.cache/kubetally}
ui_src=$clients/opencost-ui-v1.121.0
ui=$cache/opencost-ui-v1.121.0
# "-2": the current build in current/, the legacy one (npm run build:legacy) in legacy/
stamp=$(sha256sum "$ui_src/package-lock.json" | cut -c1-16)-2
if [ "$(cat "$ui/.kt-built" 2>/dev/null)" != "$stamp" ]; then
  echo "building the OpenCost UI v1.121.0 (current and legacy) into $ui"
  mkdir -p "$cache" && rm -rf "$ui" "$ui.tmp" && cp -r "$ui_src" "$ui.tmp" && chmod -R u+w "$ui.tmp" || exit 1
  # some @carbon/@ibm packages start telemetry at install time unless told not to
  (cd "$ui.tmp" && export IBM_TELEMETRY_DISABLED=true && npm ci --no-audit --no-fund --loglevel=error >/dev/null &&
     npm run build >/dev/null && mv build/client current && npm run build:legacy >/dev/null &&
     mv build/client legacy) || { echo "FAIL building the UI"; exit 1; }
  echo "$stamp" >"$ui.tmp/.kt-built" && mv "$ui.tmp" "$ui"
fi

. "$root/tests/integration/lib.sh"
art=$root/tests/artifacts
mkdir -p "$art"

db="sqlite:$tmp/kt.db"
"$kt" demo --db "$db" --days 3 --pods 200 -q >/dev/null || exit 1
kport=$(free_port)
# Host: model without --allow-host is the 421 the stock nginx used to get
"$kt" serve --db "$db" --listen "127.0.0.1:$kport" 2>"$tmp/plain.log" &
p=$!
wait_ready "http://127.0.0.1:$kport/healthz" || bad "serve did not start: $(cat "$tmp"/*.log 2>/dev/null | tail -3)"
c=$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: model' "http://127.0.0.1:$kport/healthz")
[ "$c" = 421 ] && ok "without --allow-host, Host: model is refused ($c)" || bad "Host: model without --allow-host: $c"
kill $p; wait $p 2>/dev/null
"$kt" serve --db "$db" --listen "127.0.0.1:$kport" --allow-host model 2>"$tmp/serve.log" &
pids+=($!)
wait_ready "http://127.0.0.1:$kport/healthz" || bad "serve did not start: $(cat "$tmp"/*.log 2>/dev/null | tail -3)"
c=$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: model' "http://127.0.0.1:$kport/healthz")
[ "$c" = 200 ] && ok "with --allow-host model, Host: model is served" || bad "Host: model with --allow-host: $c"
c=$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: rebound.example' "http://127.0.0.1:$kport/healthz")
[ "$c" = 421 ] && ok "other names are still refused (DNS rebinding)" || bad "Host: rebound.example: $c"

# nginx exactly as the UI image's entrypoint renders its template, but listening on loopback only.
# start_nginx NAME ROOT: one instance serving ROOT; sets $uport.
start_nginx() {
  local d=$tmp/nginx-$1
  uport=$(free_port)
  mkdir -p "$d/conf.d" "$d/tmp"
  API_SERVER=127.0.0.1 API_PORT=$kport UI_PORT=$uport NGINX_ROOT=$2 UI_PATH=/ BASE_URL=/model \
    PROXY_CONNECT_TIMEOUT=180 PROXY_SEND_TIMEOUT=180 PROXY_READ_TIMEOUT=180 \
    envsubst '$API_PORT $API_SERVER $UI_PORT $NGINX_ROOT $UI_PATH $BASE_URL $PROXY_CONNECT_TIMEOUT $PROXY_SEND_TIMEOUT $PROXY_READ_TIMEOUT' \
    <"$ui_src/default.nginx.conf.template" |
    sed -e "s|^\\( *\\)listen $uport;|\\1listen 127.0.0.1:$uport;|" -e "/listen \\[::\\]:$uport;/d" >"$d/conf.d/default.conf"
  cat >"$d/nginx.conf" <<EOF
daemon off;
$( [ "$(id -u)" = 0 ] && echo "user root;" )
worker_processes 1;
pid $d/nginx.pid;
error_log $d/error.log;
events { worker_connections 64; }
http {
  include /etc/nginx/mime.types;
  access_log $d/access.log;
  client_body_temp_path $d/tmp/body;
  proxy_temp_path $d/tmp/proxy;
  fastcgi_temp_path $d/tmp/fastcgi;
  uwsgi_temp_path $d/tmp/uwsgi;
  scgi_temp_path $d/tmp/scgi;
  include $d/conf.d/default.conf;
}
EOF
  "$nginx" -t -c "$d/nginx.conf" -p "$d" 2>"$d/t.log" || { cat "$d/t.log"; exit 1; }
  "$nginx" -c "$d/nginx.conf" -p "$d" 2>>"$d/error.log" &
  pids+=($!)
  wait_ready "http://127.0.0.1:$uport/healthz" || bad "nginx did not start: $(tail -3 "$d/error.log")"
}
start_nginx legacy "$ui/legacy"
legacy_port=$uport
start_nginx current "$ui/current"
c=$(curl -s -o "$tmp/via.json" -w '%{http_code}' "http://127.0.0.1:$uport/model/allocation/compute?window=7d&aggregate=namespace&includeIdle=true&accumulate=day")
[ "$c" = 200 ] && ok "nginx proxies /model/allocation/compute to kubetally (200)" || bad "via nginx: $c $(head -c 200 "$tmp/via.json")"

# 1. the UI: the CLI's answers for the UI's default queries, then the browser
"$kt" allocation --db "$db" --window 7d --aggregate namespace --accumulate=day -o json >"$tmp/alloc.json" || exit 1
"$kt" assets --db "$db" --window 7d -o json >"$tmp/assets.json" || exit 1
# the Reports page's default report: yesterday as the UI writes it (00:00:00 to 23:59:59 UTC), by namespace, daily
y=$(date -u -d yesterday +%Y-%m-%d)
"$kt" allocation --db "$db" --window "${y}T00:00:00Z,${y}T23:59:59Z" --aggregate namespace --accumulate=day -o json >"$tmp/report.json" || exit 1
KT=$kt DB=$db UI_URL="http://127.0.0.1:$uport" LEGACY_URL="http://127.0.0.1:$legacy_port" ALLOC_JSON=$tmp/alloc.json ASSETS_JSON=$tmp/assets.json REPORT_JSON=$tmp/report.json ARTIFACTS=$art \
  node "$here/ui.test.js" || fails=$((fails+1))

# 2. kubectl-cost
python3 "$here/kubectl_cost.py" "http://127.0.0.1:$kport" "$kt" "$db" || fails=$((fails+1))

# 3. the mixin through Prometheus (eight days of history backfilled from kubetally's /metrics)
python3 "$here/mixin.py" "$kt" "$db" "$kport" "$clients/opencost-mixin" "$tmp" || fails=$((fails+1))

if [ $fails -gt 0 ]; then echo "opencost clients: $fails failed"; exit 1; fi
echo "opencost clients: all passed"
