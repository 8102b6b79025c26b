# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""ReportLab set-up shared by certificates and reports: the bundled TrueType CJK fonts.

ReportLab embeds only TrueType outlines (not CFF .otf), as subsets, so every PC
and printer shows the same glyphs.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from core.infra.paths import CERT_FONT, UI_FONT, font_path

SANS = "StudyHallSans"     # WenQuanYi Micro Hei: reports, tables
KAI = "StudyHallKai"       # LXGW WenKai: certificates


@cache
def register_fonts() -> tuple[str, str]:
    """Register both fonts once (and set ReportLab up for StudyHall); returns (sans, kai) font names."""
    from reportlab import rl_config
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(SANS, str(font_path(UI_FONT)), subfontIndex=0))
    pdfmetrics.registerFont(TTFont(KAI, str(font_path(CERT_FONT))))
    # ASCII85 armour only inflates binary streams, and without ReportLab's optional C accelerator
    # its pure-Python encoder is the slowest step of a 1,000-page batch; PDFs are binary-safe.
    rl_config.useA85 = 0
    return SANS, KAI


def missing_glyphs(text: str, font_name: str) -> list[str]:
    """Characters of ``text`` the registered font cannot draw (生僻字 check)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    register_fonts()
    font = pdfmetrics.getFont(font_name)
    assert isinstance(font, TTFont), font_name   # register_fonts() registers TrueType fonts only
    face = font.face
    cmap = face.charToGlyph
    return sorted({ch for ch in text if not ch.isspace() and ord(ch) not in cmap})


def write_test_page(target: Path, text: str) -> None:
    """A one-page PDF with ``text`` in both fonts (used by ``--selftest``)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    sans, kai = register_fonts()
    initial: dict[str, Any] = {"initialFontName": sans}     # never the unembedded Helvetica
    c = Canvas(str(target), pagesize=A4, **initial)
    c.setFont(kai, 28)
    c.drawCentredString(A4[0] / 2, A4[1] - 120, text)
    c.setFont(sans, 14)
    c.drawCentredString(A4[0] / 2, A4[1] - 160, text)
    c.showPage()
    c.save()
