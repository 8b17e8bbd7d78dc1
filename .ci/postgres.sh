#!/usr/bin/env bash
# Starts (or stops) a throwaway PostgreSQL 15 cluster on 127.0.0.1 for the test suite.
#   .ci/postgres.sh start <dir>   → prints the admin connection string on stdout
#   .ci/postgres.sh stop <dir>
#   .ci/postgres.sh resume <dir>  → starts a stopped cluster again on its old port
set -euo pipefail
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
cmd=$1; dir=$2

as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "$cmd" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    echo "$port" >"$dir/port"
    as_postgres "$PGBIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1
    "$0" resume "$dir"
    echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
    ;;
  resume)
    port=$(cat "$dir/port")
    as_postgres "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=200 -c fsync=off" start >&2
    ;;
  stop)
    as_postgres "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
    ;;
  *) echo "usage: $0 start|stop|resume <dir>" >&2; exit 2 ;;
esac
