# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""core/ and quizbank/ never import Qt or gui/: proved by importing every module with PySide6 blocked."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"   # import-linter, a dev dependency of this venv

BLOCKED_IMPORT = r"""
import importlib, pkgutil, sys
sys.modules['PySide6'] = None
sys.modules['gui'] = None
import core, quizbank
names = []
for pkg in (core, quizbank):
    for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):
        if '.migrations' in info.name:
            continue
        importlib.import_module(info.name)
        names.append(info.name)
print(len(names))
"""


def test_core_and_quizbank_import_without_qt() -> None:
    out = subprocess.run([sys.executable, "-c", BLOCKED_IMPORT], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert int(out.stdout.strip()) > 20


def test_blocking_really_catches_a_qt_import(tmp_path: Path) -> None:
    """The check above would fail if a core module imported PySide6 (proved on a scratch package)."""
    pkg = tmp_path / "core_probe"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("import PySide6\n")
    code = "import sys; sys.modules['PySide6'] = None; import core_probe"
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert out.returncode != 0 and "halted" in out.stderr


def test_import_linter_contracts() -> None:
    out = subprocess.run([str(LINT_IMPORTS)], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
