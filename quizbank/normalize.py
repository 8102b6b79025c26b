# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Shared clean-up of cells, type names and answers, used by every format reader.

Everything a secretary types in an "answer" column ends here: ``ABD``, ``A、B、D``,
`` b ``, option text instead of a letter, 对/错, √/×, T/F, 是/否, fill-in answers
with several blanks and alternatives. :func:`interpret` turns a raw answer into
the model's encoding (see :mod:`quizbank.model`) or says what is wrong.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeGuard

from base.i18n import _
from quizbank.model import LETTERS, QType, normalize_text

# --- cells ---------------------------------------------------------------------------

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
_SPACES = re.compile(r"[ \t\u00a0\u2002\u2003\u2009\u3000]+")


# Anything clean() would change; most cells have none of it, so they return at once.
_NEEDS_CLEANING = re.compile(r"[\r\t\u00a0\u2002\u2003\u2009\u3000\u200b\u200c\u200d\u2060\ufeff]|  | \n|\n |^\s|\s$")


def clean(text: object) -> str:
    """A cell or line as a user reads it: no BOM/zero-width, NBSP and full-width spaces folded, trimmed."""
    if text is None:
        return ""
    s = text if isinstance(text, str) else str(text)
    if is_clean(s) or not _NEEDS_CLEANING.search(s):
        return s
    s = s.translate(_INVISIBLE).replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACES.sub(" ", ln).strip() for ln in s.split("\n")]
    return "\n".join(lines).strip()


def is_clean(text: str) -> bool:
    """A cheap sufficient test that ``clean(text) == text``.

    Everything clean() changes is non-printable (tabs, line breaks, NBSP, full-width and
    zero-width spaces, BOM) or a leading, trailing or double " ", so a printable text without
    those is already clean — the usual cell, checked without a regex.
    """
    return text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " "


def all_clean(texts: Sequence[object]) -> TypeGuard[Sequence[str]]:
    """:func:`is_clean` for every text at once: one check over them joined by "|" ("| " and " |"
    find a text's leading and trailing spaces). False when any is not a string."""
    try:
        joined = "|".join(texts)  # type: ignore[arg-type]
    except TypeError:
        return False
    if " " not in joined:   # most columns of a Chinese bank: only the printable check is left
        return joined.isprintable()
    return is_clean(joined) and "| " not in joined and " |" not in joined


def _clean_all(texts: list[str]) -> list[str]:
    """``[clean(t) for t in texts]``, with one check for the usual case where none needs it."""
    return list(texts) if all_clean(texts) else [clean(t) for t in texts]


def fold(text: str) -> str:
    """NFKC + casefold: full-width letters, digits and punctuation become half-width."""
    return unicodedata.normalize("NFKC", text).casefold().strip()


# --- question types ------------------------------------------------------------------

_TYPE_WORDS: list[tuple[QType, tuple[str, ...]]] = [
    (QType.MULTIPLE, ("多选", "多项选择", "不定项", "multiple", "multichoice", "checkbox", "multi")),
    (QType.SINGLE, ("单选", "单项选择", "选择题", "single", "radio", "choice")),
    (QType.JUDGE, ("判断", "是非", "对错", "judge", "truefalse", "true/false", "tf", "判断题")),
    (QType.FILL, ("填空", "fill", "blank", "cloze", "completion")),
    (QType.ESSAY, ("简答", "问答", "论述", "主观", "案例分析", "essay", "short answer", "subjective")),
]


def parse_qtype(label: object) -> QType | None:
    """Map a type label (单选题, 多项选择题, 判断, essay, 0/1/2 is not guessed) to a :class:`QType`."""
    s = fold(clean(label))
    if not s:
        return None
    for qtype in QType:
        if s == qtype.value:
            return qtype
    for qtype, words in _TYPE_WORDS:
        if any(w in s for w in words):
            return qtype
    return None


# --- judge answers -------------------------------------------------------------------

_TRUE = {"对", "正确", "√", "✓", "✔", "t", "true", "是", "yes", "correct", "right", "○"}
_FALSE = {"错", "错误", "×", "✗", "✘", "f", "false", "否", "no", "wrong", "incorrect", "╳"}


# The words above as they are usually typed: one dict lookup instead of clean + NFKC (exact words only).
JUDGE_WORDS = {**dict.fromkeys(_TRUE, "T"), **dict.fromkeys(_FALSE, "F")}


def parse_judge(text: object) -> str | None:
    """``"T"``/``"F"`` for a judge answer written any usual way, else ``None``."""
    if isinstance(text, str) and text in JUDGE_WORDS:
        return JUDGE_WORDS[text]
    s = clean(text)
    if not s:
        return None
    if s in ("×", "✗", "✘", "╳"):
        return "F"
    s = fold(s).strip("()（）[]【】 .。")
    if s in _TRUE:
        return "T"
    if s in _FALSE:
        return "F"
    return None


def is_judge_options(options: list[str]) -> bool:
    """True when the options are just 正确/错误 (or 对/错, √/×) in either order."""
    if len(options) != 2:
        return False
    values = {parse_judge(o) for o in options}
    return values == {"T", "F"}


# --- letters -------------------------------------------------------------------------

_LETTER_RUN = re.compile(r"^[A-Ha-h](?:[\s,，、;；/|+和及与]*[A-Ha-h])*$")


def parse_letters(text: object) -> list[str] | None:
    """Letters in a choice answer (``ABD``, ``A、B、D``, ``a,b``, `` Ｂ ``), sorted and unique, or ``None``."""
    s = unicodedata.normalize("NFKC", clean(text)).strip(" .。()（）[]【】")
    if not s or not _LETTER_RUN.match(s):
        return None
    letters = sorted({c.upper() for c in s if c.upper() in LETTERS})
    return letters or None


def letters_from_option_text(text: str, options: list[str]) -> list[str] | None:
    """The letter(s) of options whose text equals ``text`` (or each part of it)."""
    wanted = normalize_text(text)
    norm = [normalize_text(o) for o in options]
    if wanted in norm:
        return [LETTERS[norm.index(wanted)]]
    parts = [normalize_text(p) for p in re.split(r"[|｜;；\n]", text) if p.strip()]
    if len(parts) > 1 and all(p in norm for p in parts):
        return sorted({LETTERS[norm.index(p)] for p in parts})
    return None


# --- fill-in answers -----------------------------------------------------------------

_ALT_SEP = re.compile(r"\s*[/／]\s*|\s+或\s+")
BLANK_MARK = re.compile(r"[（(]\s*[)）]|_{2,}|＿{2,}|\u00a0{3,}|\{\d*\}")


def split_blanks(text: str) -> list[list[str]]:
    """``"腐败；反腐败"`` -> ``[["腐败"], ["反腐败"]]``; ``"公安/警察"`` -> ``[["公安", "警察"]]``.

    Blanks are split at ``；`` ``;`` ``|`` ``｜`` and alternatives at ``/`` ``／`` or a spaced
    ``或``, white space around a separator dropped; plain replaces and splits do it when no 或
    needs the regex (several times faster for the fill-in answers of a large bank).
    """
    blanks: list[list[str]] = []
    for part in clean(text).replace("；", "|").replace(";", "|").replace("｜", "|").split("|"):
        part = part.strip()
        if "或" in part:
            alts = [a for a in _ALT_SEP.split(part) if a]
        else:
            alts = [a for a in map(str.strip, part.replace("／", "/").split("/")) if a]
        if alts:
            blanks.append(alts)
    return blanks


def count_blanks(stem: str) -> int:
    return len(BLANK_MARK.findall(stem))


# --- the whole answer ----------------------------------------------------------------


@dataclass(slots=True)
class Interpreted:
    qtype: QType | None
    answer: list[str]
    blanks: list[list[str]]
    options: list[str]
    error: str | None = None


def interpret(qtype: QType | None, raw_answer: object, options: list[str], stem: str = "") -> Interpreted:
    """Turn a raw answer cell into the model's encoding, inferring the type when ``qtype`` is None.

    Judge questions written as two options 正确/错误 lose their options (the model keeps
    judge options implicit). On failure ``error`` holds a user-facing message and the
    type is the best guess.
    """
    raw = clean(raw_answer)
    opts = _clean_all(options)
    while opts and not opts[-1]:
        opts.pop()

    # Fast path for the usual choice answers: upper-case letters A–H only ("B", "ACD"); gives what
    # parse_letters below would.
    if (qtype is QType.SINGLE or qtype is QType.MULTIPLE) and raw and raw.isascii() and not raw.strip(LETTERS):
        return Interpreted(qtype, sorted(set(raw)), [], opts)

    if qtype is QType.JUDGE or (qtype is None and (is_judge_options(opts) or (not opts and parse_judge(raw)))):
        value = parse_judge(raw)
        if value is None and is_judge_options(opts):
            letters = parse_letters(raw)
            if letters and len(letters) == 1 and LETTERS.index(letters[0]) < 2:
                value = parse_judge(opts[LETTERS.index(letters[0])])
        if value is None:
            msg = _("为空") if not raw else _("“{a}”不是判断题答案（应为正确/错误、对/错、√/×）", a=raw)
            return Interpreted(QType.JUDGE, [], [], [], msg)
        return Interpreted(QType.JUDGE, [value], [], [])

    if qtype is QType.ESSAY:
        return Interpreted(QType.ESSAY, [raw] if raw else [], [], [])

    if qtype is QType.FILL or (qtype is None and not opts):
        if qtype is None and not count_blanks(stem) and len(raw) > 40:
            return Interpreted(QType.ESSAY, [raw], [], [])
        if not raw:
            return Interpreted(qtype or QType.FILL, [], [], [], _("为空"))
        return Interpreted(QType.FILL, [], split_blanks(raw), [])

    # A choice question.
    if not raw:
        return Interpreted(qtype or QType.SINGLE, [], [], opts, _("为空"))
    letters = parse_letters(raw)
    if letters is None:
        letters = letters_from_option_text(raw, opts)
    if letters is None:
        return Interpreted(qtype or QType.SINGLE, [], [], opts, _("“{a}”既不是选项字母也不是选项原文", a=raw))
    if qtype is None:
        qtype = QType.MULTIPLE if len(letters) > 1 else QType.SINGLE
    return Interpreted(qtype, letters, [], opts)
