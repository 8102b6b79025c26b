# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""``pip install .`` gives a working ``studyhall``: the wheel holds every package, main.py, the
bundled resources and the Alembic scripts, and its entry point passes ``--selftest`` when run
from outside the repository."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_installs_a_working_studyhall(tmp_path: Path) -> None:
    source = tmp_path / "src"     # build from a copy: setuptools writes build/ and egg-info beside the sources
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", "tests", "docs", "bench", "tools"))
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                            "-w", str(tmp_path / "wheels"), str(source)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    wheel = next((tmp_path / "wheels").glob("studyhall-*.whl"))
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        zf.extractall(site)
    for needed in ("main.py", "base/i18n.py", "core/access/usecase.py", "gui/app.py", "cli/__init__.py",
                   "quizbank/formats/gift.py", "core/migrations/script.py.mako",
                   "core/migrations/versions/0001_initial_schema.py", "resources/fonts/wqy-microhei.ttc",
                   "resources/translations/en/foundation.json", "resources/demo/org.json",
                   "resources/sounds/buzz.wav", "resources/demo/contest.toml"):
        assert needed in names, needed
    entry = configparser.ConfigParser()
    entry.read(next(site.glob("studyhall-*.dist-info")) / "entry_points.txt")
    assert entry["console_scripts"]["studyhall"] == "main:main"

    env = {**os.environ, "PYTHONPATH": str(site), "QT_QPA_PLATFORM": "offscreen",
           "STUDYHALL_HOME": str(tmp_path / "home")}
    run = subprocess.run([sys.executable, "-c", "import sys, main; sys.exit(main.main(['--selftest']))"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "-> OK" in run.stdout
    assert str(site) in subprocess.run([sys.executable, "-c", "import core; print(core.__file__)"], cwd=tmp_path,
                                       env=env, capture_output=True, text=True).stdout
