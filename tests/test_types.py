# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The code type-checks: mypy (configured in pyproject.toml) finds nothing, and the number of
``# type: ignore`` comments only goes down.

mypy runs with ``warn_unused_ignores``, so every ignore left is still needed, and with the
``ignore-without-code`` error, so each names the error it silences.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHECKED = ["base", "quizbank", "core", "gui", "cli", "bench", "main.py"]   # as [tool.mypy] files

# The ratchet: lower it when you remove an ignore; never raise it (fix the type error instead).
MAX_TYPE_IGNORES = 5

_IGNORE = re.compile(r"#\s*type:\s*ignore\b")


def _python_files() -> list[Path]:
    out: list[Path] = []
    for name in CHECKED:
        path = ROOT / name
        out.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return out


@pytest.mark.slow
def test_mypy_is_clean() -> None:
    out = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_type_ignores_only_go_down() -> None:
    found = [f"{path.relative_to(ROOT)}:{n}" for path in _python_files()
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if _IGNORE.search(line)]
    assert len(found) <= MAX_TYPE_IGNORES, (
        f"{len(found)} `# type: ignore` comments, at most {MAX_TYPE_IGNORES} allowed:\n" + "\n".join(found))


def test_the_ratchet_counts_what_mypy_checks() -> None:
    """CHECKED above is the list mypy checks, so the count covers the same files."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert config["files"] == CHECKED
    assert config["warn_unused_ignores"] is True and "ignore-without-code" in config["enable_error_code"]
