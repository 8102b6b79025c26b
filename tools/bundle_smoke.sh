#!/usr/bin/env bash
# The PyInstaller bundle in a real X window: `make bundle-smoke` after `make bundle` (or `make selftest`).
# Makes the demo database with the bundled app, then drives the bundled app through tests/gui/xvfb_driver.py
# (log in, answer an exam question, make a backup, log out) under Xvfb with openbox: a Qt plugin, font or
# library missing from the bundle shows up here, where --selftest (no window) cannot see it.
# Then the bundled app creates a StudyHall database on a throw-away PostgreSQL server (tools/pg_test_server.sh):
# the Linux bundle's psycopg C implementation over the system's libpq, end to end.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
app=dist/studyhall/studyhall
[ -x "$app" ] || { echo "no bundle: run make bundle first" >&2; exit 1; }
work=$(mktemp -d /tmp/studyhall-bundle-smoke-XXXXXX)
pgdir=$(mktemp -d /tmp/studyhall-bundle-pg-XXXXXX)
trap 'tools/pg_test_server.sh stop "$pgdir"; rm -rf "$work" "$pgdir"' EXIT
export HOME="$work" STUDYHALL_HOME="$work/studyhall" STUDYHALL_XVFB_APP="$PWD/$app"
url="sqlite:///$work/demo.db"
QT_QPA_PLATFORM=offscreen "$app" --db "$url" demo >/dev/null
password=$("$PY" -c 'from core.demo import DEMO_PASSWORD; print(DEMO_PASSWORD)')
xvfb-run -a -s "-screen 0 1280x720x24" "$PY" tests/gui/xvfb_driver.py "$url" "$password"

port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
pg_url=$(tools/pg_test_server.sh start "$pgdir" "$port")
first=$(QT_QPA_PLATFORM=offscreen "$app" --db "$pg_url" db upgrade --json)
again=$(QT_QPA_PLATFORM=offscreen "$app" --db "$pg_url" db upgrade --json)
echo "bundled app on PostgreSQL: $first; again: $again"
[[ "$first" == *'"created"'* && "$again" == *'"current"'* ]] || { echo "bundle-smoke: PostgreSQL check FAILED" >&2; exit 1; }
