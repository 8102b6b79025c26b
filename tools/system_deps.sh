#!/usr/bin/env bash
# Debian/Ubuntu packages StudyHall needs: Qt's runtime libraries (offscreen and X11), Python's venv, libpq
# (the Linux bundle's PostgreSQL driver links the system's), for building the bundle a C compiler and libpq-dev,
# and for tests poppler (PDF to PNG), a PostgreSQL server, and Xvfb + openbox + xdotool (a real window). Installs them when run as root,
# otherwise prints the exact apt-get line and fails.
#   tools/system_deps.sh [run|test|bundle]
set -euo pipefail
purpose=${1:-run}
pkgs=(python3-venv libgl1 libegl1 libx11-6 libdbus-1-3 libfontconfig1 libfreetype6 libglib2.0-0 libxkbcommon0
      libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0 libxcb-shape0
      libxkbcommon-x11-0 libxcb-xkb1 libxcb-randr0 libxcb-xinerama0 libpulse0 libpq5)   # libpq5: PostgreSQL (bundle)
if [ "$purpose" = bundle ]; then
  pkgs+=(binutils)   # PyInstaller reads and strips binaries; build.spec assembles the trimmed ICU data library
  pkgs+=(libpq-dev gcc python3-dev)   # `make bundle` compiles psycopg-c against the system's libpq
fi
if [ "$purpose" = test ]; then
  pkgs+=(poppler-utils postgresql zbar-tools xvfb xauth openbox xdotool)   # xvfb..xdotool: tests/gui/test_xvfb_smoke.py
fi
command -v dpkg-query >/dev/null || { echo "not a Debian/Ubuntu system: install Qt 6's runtime libraries yourself" >&2; exit 0; }
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# The python3-venv check does not apply to a Python that is not Debian's (pyenv, conda): it has venv.
if [[ " ${missing[*]} " == *" python3-venv "* ]] && python3 -c "import venv, ensurepip" 2>/dev/null; then
  missing=("${missing[@]/python3-venv}")
fi
read -r -a missing <<< "${missing[*]:-}"
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "StudyHall needs these Debian packages. Run:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
