#!/usr/bin/env bash
# Start (or stop) a throw-away PostgreSQL server for the test suite, owned by the postgres user.
#   tools/pg_test_server.sh start DIR PORT   -> prints the URL for STUDYHALL_TEST_PG
#   tools/pg_test_server.sh stop DIR
set -euo pipefail
action=${1:?start|stop}
dir=${2:?data directory}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
case "$action" in
  start)
    port=${3:-55432}
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
    if [ ! -f "$dir/PG_VERSION" ]; then
      as_pg "$bin/initdb -D '$dir' -U app -E UTF8 --locale=C.UTF-8 -A trust" >/dev/null
    fi
    as_pg "$bin/pg_ctl -D '$dir' -o \"-p $port -k '$dir' -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off\" -l '$dir/log' -w start" >/dev/null
    echo "postgresql+psycopg://app@127.0.0.1:$port/postgres"
    ;;
  stop)
    as_pg "$bin/pg_ctl -D '$dir' -m fast -w stop" >/dev/null || true
    ;;
  *) echo "usage: $0 start DIR [PORT] | stop DIR" >&2; exit 2 ;;
esac
