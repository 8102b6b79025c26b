# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""User-facing text in Simplified Chinese (source language) or English.

This module sits in the lowest layer (``quizbank``) because import problems are
user-facing text too; ``core`` and ``gui`` use the same function.

Strings are written in Chinese in the code and wrapped in ``_()``. English texts
live in ``resources/translations/en/*.json`` as ``{"中文": "English"}`` objects,
one file per area, merged at first use. ``{name}`` fields are filled from keyword
arguments after translation, so word order may differ between languages.
A test checks that every ``_()`` literal has an English entry.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

SUPPORTED = ("zh_CN", "en")
_lang = os.environ.get("STUDYHALL_LANG", "zh_CN") if os.environ.get("STUDYHALL_LANG") in SUPPORTED else "zh_CN"
_catalogs: dict[str, dict[str, str]] = {}


def translations_dir() -> Path:
    """Folder holding one sub-folder of JSON catalogues per language."""
    import sys

    base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent.parent))
    return base / "resources" / "translations"


def _catalog(lang: str) -> dict[str, str]:
    cat = _catalogs.get(lang)
    if cat is None:
        cat = {}
        folder = translations_dir() / lang
        if folder.is_dir():
            for path in sorted(folder.glob("*.json")):
                cat.update(json.loads(path.read_text(encoding="utf-8")))
        _catalogs[lang] = cat
    return cat


def set_language(lang: str) -> None:
    """Select the UI language: ``zh_CN`` (default) or ``en``."""
    global _lang
    if lang not in SUPPORTED:
        raise ValueError(f"unsupported language {lang!r}; choose one of {', '.join(SUPPORTED)}")
    _lang = lang


def language() -> str:
    return _lang


def _(text: str, /, **fields: object) -> str:
    """Translate ``text`` (Chinese source) into the current language and fill ``{fields}``."""
    if _lang != "zh_CN":
        text = _catalog(_lang).get(text, text)
    return text.format(**fields) if fields else text


def colon() -> str:
    """The colon after a label: full-width in Chinese, ": " in English (never "Answer：B")."""
    return "：" if _lang == "zh_CN" else ": "


def N_(text: str, /) -> str:
    """Mark ``text`` for translation without translating it now (module-level constants)."""
    return text
