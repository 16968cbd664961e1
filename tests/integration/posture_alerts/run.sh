#!/usr/bin/env bash
# Posture and health alerts end to end: a real kube-apiserver (the story of
# tests/integration/posture/scenario.py: a privileged, crash-looping pod in
# an EU-residency namespace scheduled in us-east-1, an OOM-killed pod),
# `kubetally serve` watching it with posture and health rules in --config,
# and real receivers on loopback: Debian's prometheus-alertmanager and an
# SMTP server (python3-aiosmtpd).  alerts.py holds the story and the
# expected alerts; waits are bounded polls, never timing assertions.
set -uo pipefail
cd "$(dirname "$0")/../../.."
root=$PWD
kt=${KUBETALLY_BIN:-$root/build/kubetally}
[ -x "$kt" ] || make >/dev/null || exit 1
. "$root/tests/integration/lib.sh"
need_receivers || { echo "FAIL cannot install prometheus-alertmanager python3-aiosmtpd"; exit 1; }

printf 'route:\n  receiver: devnull\nreceivers:\n  - name: devnull\n' >"$tmp/am.yml"
start_on_port "$tmp/am.log" prometheus-alertmanager --config.file="$tmp/am.yml" --storage.path="$tmp/am" \
  --web.listen-address=127.0.0.1:@PORT@ --cluster.listen-address= || { bad "alertmanager did not start"; exit 1; }
amport=$started_port
until_ok "curl -sf http://127.0.0.1:$amport/-/ready >/dev/null" || { bad "alertmanager not ready"; exit 1; }
smtpport=$(free_port)
/usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$smtpport" >"$tmp/smtp.log" 2>&1 &
pids+=($!)
until_ok "python3 -c 'import socket; socket.create_connection((\"127.0.0.1\", $smtpport), 1)' 2>/dev/null" ||
  { bad "SMTP server did not start"; exit 1; }
ok "alertmanager on $amport, SMTP on $smtpport"
if python3 tests/integration/posture_alerts/alerts.py "$kt" "$tmp" "$amport" "$smtpport"; then
  echo "posture alerts integration: all passed"
else
  echo "posture alerts integration: failed"
  fails=$((fails + 1))
fi
exit $((fails > 0))
