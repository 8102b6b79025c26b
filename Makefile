# StudyHall: `make run` starts the app with the demo database; `make test` runs every test headless.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.deps-installed

.PHONY: run test setup system-deps system-deps-test system-deps-bundle bundle selftest bundle-smoke bench lint clean

run: system-deps $(STAMP)
	$(PY) main.py demo
	$(PY) main.py

test: system-deps-test $(STAMP)
	PY=$(PY) tools/run_tests.sh

setup: system-deps $(STAMP)

system-deps:
	tools/system_deps.sh run

system-deps-test:
	tools/system_deps.sh test

system-deps-bundle:
	tools/system_deps.sh bundle

$(STAMP): pyproject.toml tools/deps.py
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "StudyHall needs Python 3.11 or newer; run: make PYTHON=python3.11 ..." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) tools/deps.py --dev | xargs $(PY) -m pip install --quiet
	touch $(STAMP)

# The Linux bundle's PostgreSQL driver is psycopg's C implementation over the system's libpq (psycopg-c, the
# installed psycopg's version, compiled with libpq-dev; docs/BUNDLE.md): installed here, next to psycopg[binary].
bundle: system-deps-bundle $(STAMP)
	$(PY) -m pip install --quiet "psycopg-c==$$($(PY) -c 'from importlib.metadata import version; print(version("psycopg"))')"
	$(VENV)/bin/pyinstaller --noconfirm --clean build.spec
	du -sh dist/studyhall
	$(PY) bench/run.py bundle.size --no-save || true   # size vs issue 19 target: reported, not gating (docs/BUNDLE.md)

selftest: bundle
	QT_QPA_PLATFORM=offscreen dist/studyhall/studyhall --selftest

# The built bundle in a real X window (no rebuild): the xvfb smoke test's steps, run by the bundled app.
bundle-smoke: system-deps-test $(STAMP)
	PY=$(PY) tools/bundle_smoke.sh

bench: setup
	$(PY) bench/run.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(PY) -m mypy

clean:
	rm -rf build dist
