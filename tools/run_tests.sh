#!/usr/bin/env bash
# The full test suite, headless: SQLite always, PostgreSQL too when a server can be started here.
# A run that collects no test fails (pytest exit code 5 is not success).
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
export QT_QPA_PLATFORM=offscreen
pgdir=""
if [ -z "${STUDYHALL_TEST_PG:-}" ] && ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
  pgdir=$(mktemp -d /tmp/studyhall-pg-XXXXXX)
  chmod 755 "$pgdir"   # the postgres user must reach the data folder inside
  port=$(( 20000 + RANDOM % 20000 ))
  if url=$(tools/pg_test_server.sh start "$pgdir/data" "$port"); then
    export STUDYHALL_TEST_PG="$url"
    echo "PostgreSQL test server: $url"
  else
    echo "could not start PostgreSQL; database tests run on SQLite only" >&2
    [ "${CI:-}" = true ] && exit 1
  fi
fi
cleanup() { [ -n "$pgdir" ] && tools/pg_test_server.sh stop "$pgdir/data"; [ -n "$pgdir" ] && rm -rf "$pgdir"; }
trap cleanup EXIT
"$PY" -m pytest "$@"
rc=$?
if [ $rc -eq 5 ]; then
  echo "pytest collected no tests: failing the run" >&2
  exit 1
fi
exit $rc
