# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Helpers shared by the Moodle formats (GIFT, Aiken, Moodle XML).

Text decoding, HTML-to-text conversion, the mapping of weighted Moodle answers
to StudyHall's single/multiple choice, category paths, and the rule that turns
a finished :class:`~quizbank.model.Question` into either a question or exactly
one located :class:`~base.problems.Problem`.
"""

from __future__ import annotations

import re
from html import escape, unescape
from html.parser import HTMLParser
from pathlib import Path

from base.i18n import N_, _
from base.problems import Problem, Severity
from quizbank.model import LETTERS, ImportResult, QType, Question, SourceRef
from quizbank.normalize import clean

# Labels of Moodle question types StudyHall cannot take (shown in problems).
UNSUPPORTED_LABELS = {
    "match": N_("配对题"),
    "matching": N_("配对题"),
    "numerical": N_("数值题"),
    "cloze": N_("完形填空题"),
    "multianswer": N_("完形填空题"),
    "calculated": N_("计算题"),
    "calculatedsimple": N_("计算题"),
    "calculatedmulti": N_("计算题"),
    "randomsamatch": N_("随机配对题"),
    "ddwtos": N_("拖放题"),
    "ddimageortext": N_("拖放题"),
    "ddmarker": N_("拖放题"),
    "gapselect": N_("下拉选词题"),
    "ordering": N_("排序题"),
}


# --- decoding ------------------------------------------------------------------------


def read_text(path: Path, result: ImportResult) -> str | None:
    """The file's text (UTF-8, else GB18030); problems go to ``result``, ``None`` if unreadable."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        result.problems.append(Problem(path.name, _("无法读取文件：{err}", err=exc.strerror or str(exc))))
        return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = data.decode("utf-8", errors="replace")
        result.problems.append(
            Problem(path.name, _("文件编码无法识别，无法解码的字符已替换为“�”"), Severity.WARNING)
        )
    # NUL and other C0 controls (except tab/newline) never belong in a question.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text)


# --- HTML ----------------------------------------------------------------------------

_HTML_TAG = re.compile(
    r"</?(?:p|br|b|i|u|em|strong|span|div|a|img|sub|sup|ul|ol|li|table|tbody|thead|tr|td|th|"
    r"h[1-6]|font|pre|code|hr|blockquote|center|s|strike|small|big|tt)\b[^>]*>|&(?:nbsp|amp|lt|gt|quot|#\d+);",
    re.IGNORECASE,
)
_BLOCK_TAGS = {"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "ul", "ol", "table"}
_SOFT_BREAK = "\x00"


def looks_like_html(text: str) -> bool:
    """True when untagged text contains common HTML tags or entities (Moodle's auto format)."""
    return bool(_HTML_TAG.search(text))


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.images: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK_TAGS:
            self.parts.append(_SOFT_BREAK)
        elif tag == "img":
            src = dict(attrs).get("src") or ""
            if src:
                self.images.append(src)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append(_SOFT_BREAK)

    def handle_data(self, data: str) -> None:
        self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment: tags dropped, entities decoded, <br>/<p> become line breaks."""
    parser = _TextExtractor()
    try:
        parser.feed(html.replace(_SOFT_BREAK, ""))
        parser.close()
    except (AssertionError, ValueError):  # malformed markup: fall back to a plain strip
        return clean(unescape(re.sub(r"<[^>]*>", "", html)))
    text = "".join(parser.parts)
    text = re.sub(rf"[ ]*{_SOFT_BREAK}[{_SOFT_BREAK} ]*", _SOFT_BREAK, text)
    text = text.replace(_SOFT_BREAK, "\n")
    return clean("\n".join(line.strip() for line in text.split("\n")))


def text_to_html(text: str) -> str:
    """The inverse of :func:`html_to_text` for clean text: escaped lines joined with ``<br />``."""
    return "<br />".join(escape(line, quote=False) for line in text.split("\n"))


def plain(text: str, fmt: str) -> str:
    """Text in a Moodle text format (html, moodle_auto_format, plain_text, markdown) as plain text."""
    fmt = fmt.lower()
    if fmt == "html" or (fmt in ("moodle", "moodle_auto_format", "") and looks_like_html(text)):
        return html_to_text(text)
    return clean(text)


# --- categories ----------------------------------------------------------------------

_CONTEXT = re.compile(r"^\$[a-z0-9]+\$/?", re.IGNORECASE)


def category_path(raw: str) -> str:
    """``$course$/top/Iota/Kappa`` -> ``Iota/Kappa``: the full path below the context and ``top``."""
    path = _CONTEXT.sub("", clean(raw).replace("\n", " ")).strip("/ ")
    parts = [p.strip() for p in path.split("/")]
    if parts and parts[0].lower() == "top":
        parts = parts[1:]
    return "/".join(p for p in parts if p)


def category_for_moodle(category: str) -> str:
    return f"$course$/top/{category}" if category else "$course$/top"


# --- answers -------------------------------------------------------------------------


def choice_answer(weights: list[float], single_flag: bool) -> tuple[QType, list[str]] | None:
    """Type and answer letters for weighted choices, or ``None`` when no answer is right.

    With ``single_flag`` (GIFT ``=``, XML ``<single>true``) exactly one 100 % answer makes a
    single choice and partial-credit answers count as wrong; otherwise every positive-weight
    answer is correct, giving a multiple choice when there are two or more.
    """
    full = [i for i, w in enumerate(weights) if w >= 100 - 1e-6]
    if single_flag and len(full) == 1:
        return QType.SINGLE, [LETTERS[full[0]]] if full[0] < len(LETTERS) else [str(full[0] + 1)]
    correct = [i for i, w in enumerate(weights) if w > 0]
    if not correct:
        return None
    letters = [LETTERS[i] if i < len(LETTERS) else str(i + 1) for i in correct]
    return (QType.MULTIPLE if len(correct) > 1 else QType.SINGLE), letters


def weight_text(n_correct: int) -> str:
    """Moodle's fraction for each of ``n_correct`` right answers (``50``, ``33.33333``…)."""
    value = f"{100 / n_correct:.5f}".rstrip("0").rstrip(".")
    return value


# --- results -------------------------------------------------------------------------


def unsupported(file: str, line: int | None, kind: str) -> Problem:
    label = _(UNSUPPORTED_LABELS[kind]) if kind in UNSUPPORTED_LABELS else kind
    return Problem(file, _("StudyHall 不支持“{kind}”，已跳过", kind=label), Severity.ERROR, line=line, field=_("题型"))


def skipped_description(file: str, line: int | None) -> Problem:
    return Problem(file, _("说明文字（description）不是题目，已跳过"), Severity.WARNING, line=line, field=_("题型"))


def add_question(result: ImportResult, question: Question, file: str, line: int | None) -> None:
    """Append ``question`` if it is usable, else exactly one problem describing why not."""
    question.source = SourceRef(file=file, line=line)
    issues = question.problems()
    if not issues:
        result.questions.append(question)
    elif len(issues) == 1:
        result.problems.append(Problem(file, issues[0][1], Severity.ERROR, line=line, field=issues[0][0]))
    else:
        message = "；".join(f"{f}：{m}" for f, m in issues)
        result.problems.append(Problem(file, message, Severity.ERROR, line=line))


# --- embedded answer blocks ------------------------------------------------------------

MARK = "\ue010"  # where a block sat inside the sentence; becomes BLANK after HTML conversion
BLANK = "（ ）"


def mark_blocks(text: str, spans: list[tuple[int, int]], start: int = 0) -> str:
    """``text[start:]`` with each ``(begin, end)`` span replaced by :data:`MARK`.

    Spans in the run at the very end of the text (only white space between and after
    them) are removed without a mark, as Moodle does for ``Question?{…}``.
    """
    trailing = len(spans)
    while trailing > 0:
        after = spans[trailing][0] if trailing < len(spans) else len(text)
        if text[spans[trailing - 1][1]:after].strip():
            break
        trailing -= 1
    pieces, prev = [], start
    for i, (begin, end) in enumerate(spans):
        pieces.append(text[prev:begin])
        if i < trailing:
            pieces.append(MARK)
        prev = end
    pieces.append(text[prev:])
    return "".join(pieces)


def embed_blocks(stem: str, encoded_stem: str, blocks: list[str]) -> str:
    """Put answer ``blocks`` where ``stem`` has one :data:`BLANK` each, else after the stem.

    ``encoded_stem`` is the stem as written in the target format (escaped, HTML…), in which
    the marks appear unchanged. The result reads back to ``stem`` under :func:`mark_blocks`.
    """
    if encoded_stem.count(BLANK) == len(blocks) == stem.count(BLANK) and not stem.endswith(BLANK):
        parts = encoded_stem.split(BLANK)
        return "".join(p + (blocks[i] if i < len(blocks) else "") for i, p in enumerate(parts))
    return encoded_stem + "".join(blocks)
