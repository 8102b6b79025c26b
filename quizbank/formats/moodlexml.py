# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Moodle XML (``.xml``) import and export.

Reading (``<quiz><question type=…>``):

* ``category`` questions set ``category`` of the following questions to the full path
  below the context and ``top`` (``$course$/top/Iota/Kappa`` -> ``Iota/Kappa``).
* ``multichoice``/``multichoiceset`` -> single or multiple choice (with ``<single>true``
  exactly one 100 % answer makes a single choice; otherwise every positive fraction is
  correct); ``truefalse`` -> judge; ``shortanswer`` -> fill with one blank whose
  alternatives are the 100 % answers; ``essay`` -> essay (``<graderinfo>`` becomes the
  reference answer); ``cloze`` whose gaps are all SHORTANSWER -> fill with one blank per
  gap (``（ ）`` where a gap sat inside the sentence).
* ``description`` is skipped with a WARNING; matching, numerical, calculated, drag-and-drop,
  other cloze and unknown types give one ERROR problem per question, so an all-or-nothing
  import refuses the file unless the user chooses to skip invalid questions.
* Text in ``html`` (or HTML-looking ``moodle_auto_format``) becomes plain text.
  ``<generalfeedback>`` -> ``explanation``, ``<tags>`` -> ``tags``, ``<defaultgrade>`` ->
  ``score``; per-answer feedback is ignored and difficulty is not part of Moodle XML.
* Base64 ``<file>`` elements are written into ``ReadOptions.media_dir`` (a new temporary
  folder when unset) under their base name, made safe so nothing lands outside the folder;
  ``media`` lists their absolute paths. An identical existing file is reused.
* Line numbers come from expat (the ``<question>`` start tag's line).

Writing produces Moodle XML for all five types (multi-blank fill as ``cloze``); text is
written as HTML, media files are embedded as base64 (``FormatError`` if one is missing).
"""

from __future__ import annotations

import base64
import binascii
import re
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote
from xml.parsers import expat

from base.errors import FormatError
from base.i18n import N_, _
from base.problems import Problem, Severity
from quizbank.formats import FormatSpec, ReadOptions
from quizbank.formats import _moodle as m
from quizbank.model import LETTERS, ImportResult, QType, Question
from quizbank.normalize import clean, parse_judge

_SHORT_GAPS = {"SHORTANSWER", "SA", "MW", "SHORTANSWER_C", "SAC", "MWC"}
_GAP = re.compile(r"\{(\d*):([A-Za-z_]+):((?:\\.|[^\\}])*)\}")
_UNESCAPED_TILDE = re.compile(r"(?:\\.|[^\\~])+")
_UNESCAPED_HASH = re.compile(r"(?:\\.|[^\\#])*")
_UNSAFE_NAME = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
_BAD_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _parse(data: bytes) -> tuple[ET.Element, dict[int, int]]:
    """Tree of ``data`` plus the start line of every ``<question>`` (keyed by ``id``)."""
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate()
    parser.buffer_text = True
    lines: dict[int, int] = {}

    def start(tag: str, attrs: dict[str, str]) -> None:
        element = builder.start(tag, attrs)
        if tag == "question":
            lines[id(element)] = parser.CurrentLineNumber

    parser.StartElementHandler = start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    parser.Parse(data, True)
    return builder.close(), lines


def _text(el: ET.Element | None, default_format: str = "moodle_auto_format") -> str:
    if el is None:
        return ""
    return m.plain(el.findtext("text") or "", el.get("format", default_format))


class _Media:
    """Writes ``<file>`` payloads into one folder, created on first use."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def save(self, name: str, payload: str) -> Path:
        data = base64.b64decode(re.sub(r"\s+", "", payload), validate=True)
        if self.folder is None:
            self.folder = Path(tempfile.mkdtemp(prefix="studyhall-moodle-"))
        self.folder.mkdir(parents=True, exist_ok=True)
        root = self.folder.resolve()
        base = _UNSAFE_NAME.sub("_", name.replace("\\", "/").rsplit("/", 1)[-1]).strip(" .") or "media"
        stem, dot, ext = base.rpartition(".") if "." in base else (base, "", "")
        for n in range(1000):
            candidate = base if n == 0 else f"{stem}-{n}{dot}{ext}"
            target = (root / candidate).resolve()
            if target.parent != root:
                raise ValueError(name)
            if not target.exists():
                target.write_bytes(data)
                return target
            if target.is_file() and target.read_bytes() == data:
                return target
        raise ValueError(name)


def _choice(q: Question, el: ET.Element, single_default: bool) -> None:
    answers = el.findall("answer")
    q.options = [_text(a) for a in answers]
    weights = [_fraction(a) for a in answers]
    single = (el.findtext("single") or str(single_default)).strip().lower() in ("true", "1")
    mapped = m.choice_answer(weights, single)
    q.qtype, q.answer = mapped if mapped else (QType.SINGLE, [])


def _fraction(a: ET.Element) -> float:
    try:
        return float(a.get("fraction", "0"))
    except ValueError:
        return 0.0


def _cloze(q: Question, el: ET.Element) -> bool:
    """Fill ``q`` from a cloze question whose gaps are all short answers; False otherwise."""
    holder = el.find("questiontext")
    raw = holder.findtext("text") if holder is not None else ""
    fmt = holder.get("format", "html") if holder is not None else "html"
    gaps = list(_GAP.finditer(raw or ""))
    if not gaps or any(g.group(2).upper() not in _SHORT_GAPS for g in gaps):
        return False
    q.qtype = QType.FILL
    for gap in gaps:
        alts = []
        for part in _UNESCAPED_TILDE.findall(gap.group(3)):
            head = _UNESCAPED_HASH.match(part)
            assert head is not None   # the pattern matches the empty string at least
            part = head.group(0).strip()
            weight = 0.0
            if part.startswith("="):
                weight, part = 100.0, part[1:]
            elif w := re.match(r"%(-?\d+(?:\.\d*)?)%", part):
                weight, part = float(w.group(1)), part[w.end():]
            text = m.plain(re.sub(r"\\(.)", r"\1", part), fmt)
            if weight >= 100 and text and text != "*":
                alts.append(text)
        q.blanks.append(list(dict.fromkeys(alts)))
    marked = m.mark_blocks(raw or "", [g.span() for g in gaps])
    q.stem = m.plain(marked, fmt).replace(m.MARK, m.BLANK)
    return True


def _question(el: ET.Element, qtype: str, category: str) -> Question | str:
    """The question in ``el``, or the Moodle type name when StudyHall cannot take it."""
    q = Question(QType.ESSAY, _text(el.find("questiontext")), category=category)
    q.explanation = _text(el.find("generalfeedback"))
    q.tags = [t for t in (clean(tag.findtext("text") or "") for tag in el.findall("tags/tag")) if t]
    grade = (el.findtext("defaultgrade") or "").strip()
    try:
        q.score = float(grade) if grade else None
    except ValueError:
        q.score = None
    if qtype in ("multichoice", "multichoiceset"):
        _choice(q, el, qtype == "multichoice")
    elif qtype == "truefalse":
        right = [a for a in el.findall("answer") if _fraction(a) > 0]
        value = parse_judge(_text(right[0])) if len(right) == 1 else None
        q.qtype, q.answer = QType.JUDGE, [value] if value else []
    elif qtype == "shortanswer":
        alts = [_text(a) for a in el.findall("answer") if _fraction(a) >= 100]
        q.qtype, q.blanks = QType.FILL, [list(dict.fromkeys(a for a in alts if a and a != "*"))]
    elif qtype == "essay":
        reference = _text(el.find("graderinfo"))
        q.answer = [reference] if reference else []
    elif not (qtype in ("cloze", "multianswer") and _cloze(q, el)):
        return qtype
    return q


def read(path: Path, options: ReadOptions | None = None) -> ImportResult:
    options = options or ReadOptions()
    result = ImportResult()
    file = path.name
    try:
        root, lines = _parse(path.read_bytes())
    except OSError as exc:
        result.problems.append(Problem(file, _("无法读取文件：{err}", err=exc.strerror or str(exc))))
        return result
    except (expat.ExpatError, ValueError, LookupError) as exc:
        code = getattr(exc, "code", None)
        message = _("XML 格式错误：{err}", err=expat.ErrorString(code) if code else str(exc))
        result.problems.append(Problem(file, message, line=getattr(exc, "lineno", None)))
        return result
    if root.tag != "quiz":
        result.problems.append(Problem(file, _("不是 Moodle XML 题库：根元素应为 <quiz>，却是 <{tag}>", tag=root.tag)))
        return result
    media = _Media(options.media_dir)
    category = ""
    elements = root.findall("question")
    for done, el in enumerate(elements):
        options.cancel.check()
        options.progress(done, len(elements), file)
        line = lines.get(id(el))
        qtype = el.get("type", "").strip().lower()
        if qtype == "category":
            category = m.category_path(el.findtext("category/text") or "")
            continue
        if qtype == "description":
            result.problems.append(m.skipped_description(file, line))
            continue
        q = _question(el, qtype, category)
        if isinstance(q, str):
            result.problems.append(m.unsupported(file, line, q or "?"))
            continue
        for f in el.iter("file"):
            try:
                q.media.append(str(media.save(f.get("name", ""), f.text or "")))
            except (ValueError, binascii.Error, OSError):
                result.problems.append(Problem(
                    file, _("无法保存附件“{name}”", name=f.get("name", "")), Severity.WARNING, line=line,
                    field=_("图片")))
        m.add_question(result, q, file, line)
    options.progress(len(elements), len(elements), file)
    return result


# --- writing -------------------------------------------------------------------------


def _clean_xml(text: str) -> str:
    return _BAD_XML.sub("", text)


def _add_text(parent: ET.Element, tag: str, text: str, fmt: str = "html", **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, {**attrs, "format": fmt} if fmt else attrs)
    ET.SubElement(el, "text").text = _clean_xml(m.text_to_html(text) if fmt == "html" else text)
    return el


def _gap(alternatives: list[str]) -> str:
    def enc(text: str) -> str:
        return re.sub(r"([\\}{~#])", r"\\\1", m.text_to_html(text))

    return "{1:SHORTANSWER:" + "~".join("=" + enc(a) for a in alternatives) + "}"


def _element(q: Question, number: int) -> ET.Element:
    kind = {QType.SINGLE: "multichoice", QType.MULTIPLE: "multichoice", QType.JUDGE: "truefalse",
            QType.ESSAY: "essay", QType.FILL: "shortanswer" if len(q.blanks) == 1 else "cloze"}[q.qtype]
    el = ET.Element("question", {"type": kind})
    name = " ".join(q.stem.split())[:40] or str(number)
    ET.SubElement(ET.SubElement(el, "name"), "text").text = _clean_xml(name)
    html = m.text_to_html(q.stem)
    if kind == "cloze":
        html = m.embed_blocks(q.stem, html, [_gap(b) for b in q.blanks])
    holder = ET.SubElement(el, "questiontext", {"format": "html"})
    text = ET.SubElement(holder, "text")
    images = []
    for ref in q.media:
        source = Path(ref)
        if not source.is_file():
            raise FormatError(_("第{n}题的媒体文件不存在：{file}", n=number, file=ref))
        f = ET.SubElement(holder, "file", {"name": source.name, "path": "/", "encoding": "base64"})
        f.text = base64.b64encode(source.read_bytes()).decode("ascii")
        images.append(f'<br /><img src="@@PLUGINFILE@@/{quote(source.name)}" alt="" />')
    text.text = _clean_xml(html + "".join(images))
    _add_text(el, "generalfeedback", q.explanation)
    if q.score is not None:
        ET.SubElement(el, "defaultgrade").text = repr(float(q.score))
    if q.qtype in (QType.SINGLE, QType.MULTIPLE):
        ET.SubElement(el, "single").text = "true" if q.qtype is QType.SINGLE else "false"
        ET.SubElement(el, "shuffleanswers").text = "true"
        ET.SubElement(el, "answernumbering").text = "ABCD"
        share = m.weight_text(len(q.answer)) if q.qtype is QType.MULTIPLE else "100"
        for letter, option in zip(LETTERS, q.options, strict=False):
            fraction = share if letter in q.answer else ("-100" if q.qtype is QType.MULTIPLE else "0")
            _add_text(el, "answer", option, fraction=fraction)
    elif q.qtype is QType.JUDGE:
        for value in ("true", "false"):
            right = (value == "true") == (q.answer == ["T"])
            _add_text(el, "answer", value, "moodle_auto_format", fraction="100" if right else "0")
    elif kind == "shortanswer":
        ET.SubElement(el, "usecase").text = "0"
        for alt in q.blanks[0]:
            _add_text(el, "answer", alt, fraction="100")
    elif q.qtype is QType.ESSAY:
        ET.SubElement(el, "responseformat").text = "editor"
        _add_text(el, "graderinfo", q.answer[0] if q.answer else "")
    if q.tags:
        tags = ET.SubElement(el, "tags")
        for tag in q.tags:
            ET.SubElement(ET.SubElement(tags, "tag"), "text").text = _clean_xml(tag)
    return el


def dumps(questions: Sequence[Question]) -> bytes:
    """Moodle XML (UTF-8 bytes) for ``questions``."""
    root = ET.Element("quiz")
    category: str | None = None
    for number, q in enumerate(questions, start=1):
        if q.category != category and (category is not None or q.category):
            holder = ET.SubElement(ET.SubElement(root, "question", {"type": "category"}), "category")
            ET.SubElement(holder, "text").text = _clean_xml(m.category_for_moodle(q.category))
        category = q.category
        root.append(_element(q, number))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def write(path: Path, questions: Sequence[Question]) -> None:
    path.write_bytes(dumps(questions))


FORMAT = FormatSpec(name="moodlexml", label=N_("Moodle XML 文件"), extensions=(".xml",), read=read, write=write)
