# pg.sh — start a throwaway PostgreSQL for a test (DESIGN.md "Tests"):
# initdb into a temp dir and pg_ctl as an unprivileged user on a free
# loopback port; source after lib.sh (uses tmp, free_port).
#
#   pg_start DIR       sets PGPORT_T and PG_URL (superuser "kt", password in
#                      the URL so the redaction is exercised); returns 1 if
#                      the server did not come up
#   pg_stop DIR        fast shutdown (data kept; pg_start DIR again restarts it)
#   pg_sql SQL         psql -At as the superuser against database kt
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
pg_user=postgres
[ "$(id -u)" != 0 ] && pg_user=$(id -un)
pg_as() { if [ "$(id -u)" = 0 ]; then runuser -u "$pg_user" -- "$@"; else "$@"; fi; }

pg_start() {
  local dir=$1
  if [ ! -d "$dir/data" ]; then
    mkdir -p "$dir" && chmod 777 "$dir"
    [ "$(id -u)" = 0 ] && chown "$pg_user" "$dir"
    echo "kt-secret-pw" > "$dir/pw"
    chmod 644 "$dir/pw"
    pg_as "$pg_bin/initdb" -D "$dir/data" -U kt --pwfile="$dir/pw" -A scram-sha-256 >"$dir/initdb.log" 2>&1 || return 1
    PGPORT_T=$(free_port)
    echo "$PGPORT_T" > "$dir/port"
  fi
  PGPORT_T=$(cat "$dir/port")
  pg_as "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
    -o "-p $PGPORT_T -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null || return 1
  PG_URL="postgresql://kt:kt-secret-pw@127.0.0.1:$PGPORT_T/postgres"
  export PGPASSWORD=kt-secret-pw
  return 0
}
pg_stop() { pg_as "$pg_bin/pg_ctl" -D "$1/data" -m fast -w stop >/dev/null 2>&1; }
pg_sql() { "$pg_bin/psql" -X -q -At -h 127.0.0.1 -p "$PGPORT_T" -U kt -d "${PG_DB:-postgres}" -c "$1"; }
