#!/usr/bin/env bash
# layering.sh — DESIGN.md's one-way data flow, checked on #include lines:
# sources → meter → store → engine → format → cmd/http, and no layer
# includes one above it.  Only the rules that hold today are listed; add
# one as each part is straightened out.  Prints every offending line and
# exits 1 when there is one.
#
#   tests/layering.sh [ROOT]     ROOT: the tree to check (default: this checkout)
#
# tests/unit/test_layering.c runs it, so `make test`, `make asan` and CI do.
set -euo pipefail
root=${1:-"$(dirname "$0")/.."}
cd "$root"
fail=0

# only DIR: the project modules (src/<module>/) files under DIR may include.
only() {
  local dir=$1; shift
  local allowed
  allowed=$(IFS='|'; echo "$*")
  [ -d "$dir" ] || return 0
  local bad
  bad=$(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[A-Za-z_]+/' "$dir" --include='*.c' --include='*.h' |
        grep -vE "#[[:space:]]*include[[:space:]]*\"($allowed)/" || true)
  if [ -n "$bad" ]; then
    echo "layering: $dir may include only $*:" >&2
    echo "$bad" | sed 's/^/  /' >&2
    fail=1
  fi
}

# nobody_but MODULE DIRS…: only these src/ folders may include MODULE/.
nobody_but() {
  local module=$1; shift
  local d bad
  for d in src/*/; do
    d=${d%/}
    case " $module $* " in *" ${d#src/} "*) continue ;; esac
    bad=$(grep -rnE "^[[:space:]]*#[[:space:]]*include[[:space:]]*\"$module/" "$d" --include='*.c' --include='*.h' || true)
    if [ -n "$bad" ]; then
      echo "layering: only src/{$(IFS=,; echo "$*")} may include $module/:" >&2
      echo "$bad" | sed 's/^/  /' >&2
      fail=1
    fi
  done
}

# A source talks to the API server and hands out facts (kube/objects.h);
# what is done with them — metering, storing, pricing — is decided above it,
# by the collector.
only src/kube kube util
# The collector thread orchestrates; only the commands and the HTTP server
# (which reports the collector's health) start or read it.
nobody_but collector cmd http
# Budgets and alerts ask the engine (engine_ask) and keep their state in the
# store; they never reach into the sources, the meter or the outputs.
only src/alerts alerts engine store util
# Reports are an output: they ask the engine, format, and send through the
# alerts outbox; nothing below them includes them.
only src/report report alerts engine format store util
nobody_but report cmd

exit $fail
