# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Word documents (``.docx``) holding a numbered question list, read and written.

Reading walks the document body in order and hands its text to
:mod:`quizbank.numbered`, one line per paragraph (a soft line break inside a
paragraph gives several lines with the same number):

* ``line`` in problems and :class:`~quizbank.model.SourceRef` is the paragraph's
  1-based position in ``document.paragraphs`` (body paragraphs, empty ones
  included), which is what Word's "go to paragraph" macros and python-docx count;
* tables are read row by row: a row with one cell gives one line per paragraph of
  that cell, a row with several cells gives one line with the cells joined by spaces
  (so options laid out in a 2×2 table are read). Table lines carry the number of
  the body paragraph before the table (1 when the table comes first). Only the cells
  present in a row are visited (a merged cell once), never the grid python-docx expands
  them to. Nested tables, text boxes, headers/footers and content controls are not read;
* direct formatting that can mark an answer is kept with each line (:attr:`Line.marks`):
  a font colour other than black, a highlighter colour, run or paragraph shading;
* the file is checked first (:func:`quizbank.wordguard.check_docx`: zip sizes, paragraphs for
  its size, cell spans) and its text counted against :mod:`base.limits`;
* embedded pictures (DrawingML and legacy VML) are saved into
  ``ReadOptions.media_dir`` (or a new temporary folder) under a content-hash name
  and listed in ``Question.media`` as absolute paths; a picture belongs to the
  question being read when its paragraph comes;
* Word's automatic list numbering (``numPr``, no literal ``1.`` in the text) is
  classified from the numbering definitions: decimal or Chinese counting at list
  level 0 is a question number, letter formats are options. Limits: a numbered
  paragraph directly inside an auto-numbered stem starts the next question, a
  numbered list inside an essay answer or explanation starts new questions, and
  list restarts are not read (numbering restarts per section heading instead).

Writing produces the same layout as the ``.txt`` writer, one paragraph per line,
with headings in bold; pictures in ``Question.media`` that exist as files are
embedded after the question's first line.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from base.errors import FormatError
from base.i18n import N_, _
from base.limits import LimitExceeded, TextBudget
from base.problems import Problem, Severity
from quizbank import marks
from quizbank.formats import FormatSpec, ReadOptions
from quizbank.formats.textfile import render
from quizbank.model import ImportResult, Question
from quizbank.numbered import Line, parse_lines
from quizbank.wordguard import check_docx

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
_VML_IMAGE = "{urn:schemas-microsoft-com:vml}imagedata"
_LETTER_FORMATS = {"upperLetter", "lowerLetter"}
_NO_NUMBER_FORMATS = {"bullet", "none"}
_RUN, _TEXT, _RPR, _PPR = f"{_W}r", f"{_W}t", f"{_W}rPr", f"{_W}pPr"
_VAL, _FILL = f"{_W}val", f"{_W}fill"


def _formatting(props: Any) -> set[str]:
    """The marks direct formatting (``w:rPr`` or ``w:pPr``) gives: colour, highlight, shading."""
    found: set[str] = set()
    if props is None:
        return found
    for child in props:
        tag = child.tag
        mark = None
        if tag == f"{_W}color":
            mark = marks.font(child.get(_VAL))
        elif tag == f"{_W}highlight":
            mark = marks.highlight(child.get(_VAL))
        elif tag == f"{_W}shd":
            mark = marks.fill(child.get(_FILL))
        if mark:
            found.add(mark)
    return found


def paragraph_marks(p: Any) -> tuple[frozenset[str], tuple[tuple[str, str], ...]]:
    """(marks most of the paragraph's text carries, marked pieces of text) of a ``w:p`` element.

    A mark counts for the paragraph when it covers more than half of its visible characters, or
    when it covers just the option letter at its start (``A.`` in red).
    """
    whole = _formatting(p.find(_PPR))
    weights: dict[str, int] = {}
    pieces: list[tuple[str, str]] = []
    total = 0
    first = ""
    for run in p.iter(_RUN):
        text = "".join(t.text or "" for t in run.iter(_TEXT))
        visible = len(text.strip())
        if not visible:
            continue
        total += visible
        found = _formatting(run.find(_RPR)) | whole
        if not first:
            first = text.strip()
            if len(first) <= 2 and found:
                weights.update({m: total * 10 for m in found})   # the option letter alone is marked
        for mark in found:
            weights[mark] = weights.get(mark, 0) + visible
            if pieces and pieces[-1][0] == mark:
                pieces[-1] = (mark, pieces[-1][1] + text)
            else:
                pieces.append((mark, text))
    majority = frozenset(m for m, w in weights.items() if 2 * w > total)
    return majority, tuple((m, t.strip()) for m, t in pieces)


class _Reader:
    def __init__(self, document: Any, file: str, options: ReadOptions) -> None:
        self.document = document
        self.file = file
        self.options = options
        self.media_dir = options.media_dir
        self.problems: list[Problem] = []
        self._formats: dict[tuple[str, int], str | None] = {}

    # pictures
    def _save_media(self, element: Any, part: Any, number: int) -> tuple[str, ...]:
        rids = [b.get(f"{_R}embed") for b in element.iter(_BLIP)]
        rids += [v.get(f"{_R}id") for v in element.iter(_VML_IMAGE)]
        saved: list[str] = []
        for rid in filter(None, rids):
            image = part.related_parts.get(rid)
            blob = getattr(image, "blob", None)
            if not blob:
                continue
            ext = getattr(getattr(image, "partname", None), "ext", "") or "bin"
            try:
                if self.media_dir is None:
                    self.media_dir = Path(tempfile.mkdtemp(prefix="studyhall-docx-"))
                self.media_dir.mkdir(parents=True, exist_ok=True)
                target = (self.media_dir / f"{hashlib.sha1(blob).hexdigest()[:16]}.{ext.lower()}").resolve()
                if not target.exists():
                    target.write_bytes(blob)
            except OSError as exc:
                message = _("图片无法保存：{err}", err=exc.strerror or str(exc))
                self.problems.append(Problem(self.file, message, Severity.WARNING, line=number, field=_("图片")))
                continue
            saved.append(str(target))
        return tuple(saved)

    # automatic numbering
    def _num_pr(self, paragraph: Any) -> Any:
        ppr = paragraph._p.pPr
        if ppr is not None and ppr.numPr is not None:
            return ppr.numPr
        style = paragraph.style
        for _depth in range(10):
            if style is None:
                return None
            sppr = style.element.pPr
            if sppr is not None and sppr.numPr is not None:
                return sppr.numPr
            style = style.base_style
        return None

    def _auto(self, paragraph: Any) -> tuple[str | None, int]:
        num_pr = self._num_pr(paragraph)
        if num_pr is None or num_pr.numId is None or num_pr.numId.val in (None, 0):
            return None, 0
        level = num_pr.ilvl.val if num_pr.ilvl is not None and num_pr.ilvl.val is not None else 0
        key = (str(num_pr.numId.val), int(level))
        if key not in self._formats:
            self._formats[key] = self._number_format(*key)
        fmt = self._formats[key]
        if fmt is None:
            return None, level
        return ("letter" if fmt in _LETTER_FORMATS else "number"), level

    def _number_format(self, num_id: str, level: int) -> str | None:
        fallback = "decimal" if level == 0 else "upperLetter"
        try:
            numbering = self.document.part.numbering_part.element
        except (KeyError, NotImplementedError, ValueError):
            return fallback
        abstract = numbering.xpath(f'./w:num[@w:numId="{num_id}"]/w:abstractNumId/@w:val')
        if not abstract:
            return fallback
        fmts = numbering.xpath(
            f'./w:abstractNum[@w:abstractNumId="{abstract[0]}"]/w:lvl[@w:ilvl="{level}"]/w:numFmt/@w:val'
        )
        fmt = str(fmts[0]) if fmts else fallback
        return None if fmt in _NO_NUMBER_FORMATS else fmt

    # the body
    def lines(self) -> Iterator[Line]:
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        body = self.document.element.body
        number = 0
        for i, child in enumerate(body.iterchildren()):
            if i % 50 == 0:
                self.options.cancel.check()
            if child.tag == f"{_W}p":
                number += 1
                paragraph = Paragraph(child, self.document)
                auto, level = self._auto(paragraph)
                media = self._save_media(child, paragraph.part, number)
                yield from self._split(number, paragraph.text, media, auto, level, paragraph_marks(child))
            elif child.tag == f"{_W}tbl":
                yield from self._table(Table(child, self.document), max(number, 1))

    def _table(self, table: Any, number: int) -> Iterator[Line]:
        from docx.table import _Cell

        for row in table.rows:
            # The cells present in the row (a merged cell once): python-docx's row.cells would expand
            # every gridSpan and walk up every vMerge, which a crafted table makes endless.
            cells = [_Cell(tc, table) for tc in row._tr.tc_lst]
            media = tuple(m for c in cells for m in self._save_media(c._tc, table.part, number))
            filled = [c for c in cells if c.text.strip()]
            if len(filled) == 1:
                paragraphs = filled[0].paragraphs
                texts = [(p.text, paragraph_marks(p._p)) for p in paragraphs]
            else:
                texts = [("  ".join(" ".join(p.text for p in c.paragraphs) for c in filled), (marks.NO_MARKS, ()))]
            for j, (text, found) in enumerate(texts):
                yield from self._split(number, text, media if j == 0 else (), None, 0, found)
            if not texts and media:
                yield Line(number, "", media)

    @staticmethod
    def _split(number: int, text: str, media: tuple[str, ...], auto: str | None, level: int,
               found: tuple[frozenset[str], tuple[tuple[str, str], ...]]) -> Iterator[Line]:
        for j, part in enumerate(text.split("\n")):
            yield Line(number, part, media if j == 0 else (), auto if j == 0 else None, level, *found)


def read(path: Path, options: ReadOptions) -> ImportResult:
    import docx

    file = path.name
    try:
        check_docx(path)
    except LimitExceeded as exc:
        return ImportResult(problems=[exc.problem])
    except FormatError as exc:
        return ImportResult(problems=[Problem(file, str(exc))])
    except OSError as exc:
        return ImportResult(problems=[Problem(file, _("不是有效的Word文档（.docx）：{err}", err=exc))])
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # noqa: BLE001 - any damage in an untrusted file becomes a problem
        return ImportResult(problems=[Problem(file, _("不是有效的Word文档（.docx）：{err}", err=exc))])
    reader = _Reader(document, file, options)
    options.progress(0, 0, _("正在读取Word文档"))
    try:
        lines = list(reader.lines())
    except (KeyError, ValueError, AttributeError, OSError) as exc:
        return ImportResult(problems=[Problem(file, _("Word文档内容无法读取：{err}", err=exc))])
    try:
        result = parse_lines(lines, file, progress=options.progress, cancel=options.cancel, budget=TextBudget.for_file(path))
    except LimitExceeded as exc:
        return ImportResult(problems=[*reader.problems, exc.problem])
    result.problems[:0] = reader.problems
    return result


def write(path: Path, questions: Sequence[Question]) -> None:
    import docx
    from docx.image.exceptions import UnrecognizedImageError
    from docx.shared import Inches

    document = docx.Document()
    for block in render(questions):
        paragraph = document.add_paragraph()
        run = paragraph.add_run(block.text)
        run.bold = block.kind == "heading"
        for media in block.media:
            if Path(media).is_file():
                try:
                    document.add_picture(media, width=Inches(3))
                except UnrecognizedImageError:
                    continue
    document.save(str(path))


FORMAT = FormatSpec(
    name="docx",
    label=N_("Word 文档（编号试题）"),
    extensions=(".docx",),
    read=read,
    write=write,
)
