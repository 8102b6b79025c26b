# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Every user-facing Chinese string has an English translation with the same {fields}."""

from __future__ import annotations

import ast
import string
from pathlib import Path

from base import i18n

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["base", "core", "quizbank", "gui", "cli"]


def marked_strings() -> dict[str, str]:
    """Every literal passed to _() or N_() in the sources, with where it was found."""
    found: dict[str, str] = {}
    for folder in SOURCES:
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "N_")
                        and node.args and isinstance(node.args[0], ast.Constant)
                        and isinstance(node.args[0].value, str)):
                    found.setdefault(node.args[0].value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def fields(text: str) -> set[str] | None:
    """The {fields} of a format string; None for text that is never formatted (e.g. GIFT braces)."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}
    except ValueError:
        return None


def test_every_marked_string_has_english() -> None:
    catalog = i18n._catalog("en")
    missing = {s: where for s, where in marked_strings().items() if s not in catalog}
    assert not missing, "missing English for:\n" + "\n".join(f"{w}: {s}" for s, w in missing.items())


def test_english_keeps_the_fields() -> None:
    catalog = i18n._catalog("en")
    wrong = {k: v for k, v in catalog.items() if fields(k) != fields(v)}
    assert not wrong, wrong


def test_switching_language() -> None:
    i18n.set_language("en")
    assert i18n._("第{n}行", n=65) == "row 65"
    i18n.set_language("zh_CN")
    assert i18n._("第{n}行", n=65) == "第65行"
