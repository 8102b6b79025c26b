# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""PDF text operators for an embedded TrueType font, each character encoded once per document.

ReportLab's ``drawString`` and text objects encode a string one character at a time (its subset
and code in the embedded font, then PDF string escaping), for every string, on every page. A
1,000-page batch draws the same few hundred characters over and over: :class:`TextCoder` asks
ReportLab for each character's code the first time it appears in the document (in the order
they appear, so the codes and subsets are the ones ReportLab would assign) and from then on
encodes a whole string with ``str.translate``. The operators it writes are the ones ReportLab
writes for the same calls, byte for byte (tests/certs/test_cert_pdftext.py compares them).
"""

from __future__ import annotations

import re
from typing import Any

_RUNS = re.compile(r"(.)\1*", re.DOTALL)


class TextCoder:
    """Text operators in the TrueType font ``font_name`` for the document of ``canvas``."""

    def __init__(self, canvas: Any, font_name: str) -> None:
        from reportlab.lib.rl_accel import escapePDF, fp_str
        from reportlab.pdfbase.pdfmetrics import getFont
        from reportlab.pdfbase.ttfonts import TTFont

        font = getFont(font_name)
        assert isinstance(font, TTFont), font_name       # an embedded (subset) TrueType font
        self._canvas = canvas
        self._font = font
        self._escape = escapePDF
        self._fp = fp_str
        self._escaped: dict[int, str] = {}                # character → its escaped code, for str.translate
        self._subset: dict[int, str] = {}                 # character → chr(its subset), for str.translate
        self._names: dict[int, str] = {}                  # subset → PDF font resource name
        self._numbers: dict[Any, str] = {}                # number(s) → fp_str(...)

    def _number(self, *values: float) -> str:
        text = self._numbers.get(values)
        if text is None:
            text = self._numbers[values] = self._fp(*values)
        return text

    def _learn(self, text: str) -> None:
        """Assign codes to the characters of ``text`` not seen yet, in the order they appear."""
        doc = self._canvas._doc
        for ch in text:
            key = ord(ch)
            if key not in self._escaped:
                ((subset, code),) = self._font.splitString(ch, doc)
                self._escaped[key] = self._escape(code)
                self._subset[key] = chr(subset)
                if subset not in self._names:
                    self._names[subset] = self._font.getSubsetInternalName(subset, doc)

    def runs(self, text: str) -> list[tuple[int, str]]:
        """``text`` as (subset, escaped string) runs, as ``TTFont.splitString`` splits it."""
        if not self._escaped.keys() >= set(map(ord, text)):
            self._learn(text)
        tags = text.translate(self._subset)
        if not tags:
            return []
        if tags.count(tags[0]) == len(tags):            # one subset (the usual case)
            return [(ord(tags[0]), text.translate(self._escaped))]
        return [(ord(m.group(1)), text[m.start():m.end()].translate(self._escaped)) for m in _RUNS.finditer(tags)]

    def show(self, text: str, size: float, subset: int = -1) -> tuple[str, int]:
        """The operators a text object writes for ``textLine(text)`` at ``size`` (leading 1.2 × size),
        starting in ``subset`` (-1: none chosen yet); returns them and the subset it ends in."""
        ops = []
        font = None
        for run_subset, escaped in self.runs(text):
            if run_subset != subset:
                if font is None:
                    font = f"{self._number(size)} Tf {self._number(size * 1.2)} TL"
                ops.append(f"{self._names[run_subset]} {font}")
                subset = run_subset
            ops.append(f"({escaped}) Tj")
        return " ".join(ops) + " T*", subset

    def line(self, x: float, y: float, text: str, size: float) -> str:
        """What ``canvas.setFont(font, size); canvas.drawString(x, y, text)`` writes."""
        ops, _subset = self.show(text, size)
        return f"BT 1 0 0 1 {self._number(x, y)} Tm {ops} ET"

    def invisible(self, x: float, y: float, lines: list[str], size: float) -> str:
        """What a text object at (x, y) in render mode 3 (invisible) with ``textLine`` per line writes."""
        parts = [f"BT 1 0 0 1 {self._number(x, y)} Tm 3 Tr"]
        subset = -1
        for text in lines:
            ops, subset = self.show(text, size, subset)
            parts.append(ops)
        parts.append("ET")
        return " ".join(parts)
