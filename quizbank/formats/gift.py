# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Moodle GIFT (``.gift``) import and export.

Reading follows Moodle's own GIFT parser (``question/format/gift/format.php``):

* Questions are separated by blank lines; ``//`` comment lines are ignored except for
  Moodle 4 metadata ``[tag:…]`` (read into ``tags``; ``[id:…]`` is ignored).
* ``$CATEGORY: $course$/top/A/B`` sets ``category`` of the following questions to the full
  path below the context and ``top`` (``A/B``).
* ``::title::`` is dropped (StudyHall has no question titles). ``[html]/[moodle]/[plain]/
  [markdown]`` tags are stripped; HTML (``[html]``, or untagged text with HTML tags) becomes
  plain text. Escapes ``\\\\ \\: \\# \\= \\{ \\} \\~ \\n`` are honoured.
* Type, in Moodle's order: no ``{}`` block -> description (skipped with a WARNING);
  ``{}`` -> essay; ``{#…}`` numerical; a ``~`` -> multiple choice; ``=`` with ``->`` matching;
  ``{T}/{TRUE}/{F}/{FALSE}`` -> judge; otherwise short answer -> fill with one blank whose
  alternatives are the 100 % answers (partial-credit and ``*`` answers are dropped).
* Multiple choice: with a ``=`` answer, exactly one 100 % answer is a single choice
  (partial-credit answers count as wrong); otherwise every positive-weight answer is
  correct (two or more -> multiple choice).
* A block inside the sentence (``Grant is {~buried =entombed} in…``) leaves ``（ ）`` in the
  stem; blocks at the very end leave nothing. Several blocks are accepted only when all
  are short answers (a StudyHall extension: fill with one blank per block).
* ``####`` general feedback becomes ``explanation``; per-answer ``#`` feedback is ignored.
* Numerical, matching and mixed multi-block questions are reported as one ERROR problem per
  question (so an all-or-nothing import refuses the file unless the user chooses to skip
  invalid questions); nothing is dropped silently.

Writing emits every type. Text newlines are written as ``\\n`` escapes, text that would be
read as HTML or a format tag is prefixed with ``[plain]``, and answers containing ``->`` are
written as ``[html]`` so they are not taken for matching pairs. A fill question whose stem
has exactly one ``（ ）`` per blank (and does not end with one) gets its answer blocks in place
of the marks; otherwise all blocks follow the stem. GIFT cannot hold difficulty, score,
media or an essay's reference answer; those are not written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from base.i18n import N_, _
from base.problems import Problem, Severity
from quizbank.formats import FormatSpec, ReadOptions
from quizbank.formats import _moodle as m
from quizbank.model import LETTERS, ImportResult, QType, Question

BLANK = m.BLANK
_ESCAPES = {"\\": "\ue000", ":": "\ue001", "#": "\ue002", "=": "\ue003", "{": "\ue004", "}": "\ue005",
            "~": "\ue006", "n": "\ue007"}
_UNESCAPE = {v: ("\n" if k == "n" else k) for k, v in _ESCAPES.items()}
_ESC_RE = re.compile(r"\\([\\:#={}~n])")
_PRIVATE = re.compile("[\ue000-\ue01f]")
_FORMAT_TAG = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
_WEIGHT = re.compile(r"^\s*%(-?\d+(?:\.\d*)?)%")
_TAG = re.compile(r"\[tag:([^\]]*)\]")
_TF = {"T": "T", "TRUE": "T", "F": "F", "FALSE": "F"}


def _unesc(text: str) -> str:
    return "".join(_UNESCAPE.get(c, c) for c in text)


def _fmt(text: str, default: str) -> tuple[str, str]:
    """Split a leading format tag off ``text``: (format, rest)."""
    match = _FORMAT_TAG.match(text)
    if match:
        return match.group(1).lower(), text[match.end():]
    return default, text


def _plain(text: str, fmt: str) -> str:
    return m.plain(_unesc(text), fmt)


# --- reading -------------------------------------------------------------------------


def _chunks(text: str) -> list[tuple[int, str, list[str]]]:
    """(first line number, text without comments, tags) per blank-line separated chunk."""
    out: list[tuple[int, str, list[str]]] = []
    lines: list[str] = []
    tags: list[str] = []
    first = 0
    for number, line in enumerate([*text.split("\n"), ""], start=1):
        if not line.strip():
            if lines:
                out.append((first, "\n".join(lines), tags))
            lines, tags, first = [], [], 0
        elif line.lstrip().startswith("//"):
            tags.extend(t.strip() for t in _TAG.findall(line) if t.strip())
        else:
            if not lines:
                first = number
            lines.append(line)
    return out


def _answers(body: str, fmt: str, short: bool = False) -> list[tuple[str, float, str]]:
    """(kind ``=``/``~``, weight, plain text) for each answer of a choice/short-answer block."""
    out = []
    for match in re.finditer(r"(^|[=~])([^=~]*)", body):
        kind, rest = match.group(1), match.group(2).split("#", 1)[0]
        if not kind and not rest.strip():
            continue
        # Text before the first =/~ is an answer too, as in Moodle: right in a short answer.
        weight = 100.0 if kind == "=" or (not kind and short) else 0.0
        w = _WEIGHT.match(rest)
        if w:
            weight, rest = float(w.group(1)), rest[w.end():]
        afmt, rest = _fmt(rest.strip(), fmt)
        out.append((kind, weight, _plain(rest.strip(), afmt)))
    return out


def _block_kind(body: str) -> str:
    s = body.strip()
    if not s:
        return "essay"
    if s.startswith("#"):
        return "numerical"
    if "~" in s:
        return "multichoice"
    if "=" in s and "->" in s:
        return "match"
    if s.split("#", 1)[0].strip().upper() in _TF:
        return "truefalse"
    return "shortanswer"


def _parse(text: str, file: str, line: int, tags: list[str], category: str, result: ImportResult) -> None:
    def problem(message: str, field: str | None = None) -> None:
        result.problems.append(Problem(file, message, Severity.ERROR, line=line, field=field))

    text = _ESC_RE.sub(lambda mt: _ESCAPES[mt.group(1)], text).strip()
    if text.startswith("::"):
        end = text.find("::", 2)
        if end < 0:
            problem(_("标题缺少结尾的“::”"), _("标题"))
            return
        text = text[end + 2:]
    blocks: list[tuple[int, int]] = []
    pos = 0
    while (start := text.find("{", pos)) >= 0:
        end = text.find("}", start)
        if end < 0:
            problem(_("答案块缺少结尾的“}”"), _("答案"))
            return
        blocks.append((start, end))
        pos = end + 1
    if not blocks:
        result.problems.append(m.skipped_description(file, line))
        return
    fmt, _rest = _fmt(text, "moodle")
    offset = len(text) - len(_rest)
    # Stem with a mark where a block sits inside the sentence; trailing blocks leave none.
    marked = m.mark_blocks(text, [(b, e + 1) for b, e in blocks], offset)
    stem = _plain(marked, fmt).replace(m.MARK, BLANK)

    bodies, feedback = [], []
    for start, end in blocks:
        body, _sep, general = text[start + 1:end].partition("####")
        bodies.append(body)
        if general.strip():
            gfmt, general = _fmt(general.strip(), fmt)
            feedback.append(_plain(general.strip(), gfmt))
    kinds = [_block_kind(b) for b in bodies]
    q = Question(QType.ESSAY, stem, explanation="\n".join(feedback), category=category, tags=list(tags))
    if len(blocks) > 1 and set(kinds) != {"shortanswer"}:
        result.problems.append(m.unsupported(file, line, "cloze"))
        return
    kind = kinds[0]
    if kind in ("numerical", "match"):
        result.problems.append(m.unsupported(file, line, kind))
        return
    if kind == "truefalse":
        q.qtype, q.answer = QType.JUDGE, [_TF[bodies[0].split("#", 1)[0].strip().upper()]]
    elif kind == "multichoice":
        answers = _answers(bodies[0], fmt)
        q.options = [a[2] for a in answers]
        mapped = m.choice_answer([a[1] for a in answers], any(a[0] == "=" for a in answers))
        q.qtype, q.answer = mapped if mapped else (QType.SINGLE, [])
    elif kind == "shortanswer":
        q.qtype = QType.FILL
        for body in bodies:
            alts = [a[2] for a in _answers(body, fmt, short=True) if a[1] >= 100 and a[2] and a[2] != "*"]
            q.blanks.append(list(dict.fromkeys(alts)))
    m.add_question(result, q, file, line)


def read(path: Path, options: ReadOptions | None = None) -> ImportResult:
    options = options or ReadOptions()
    result = ImportResult()
    text = m.read_text(path, result)
    if text is None:
        return result
    chunks = _chunks(_PRIVATE.sub("", text))
    category = ""
    for done, (line, chunk, tags) in enumerate(chunks):
        options.cancel.check()
        options.progress(done, len(chunks), path.name)
        head = chunk.lstrip()
        if head.startswith("$CATEGORY:"):
            category = m.category_path(head[len("$CATEGORY:"):].split("\n", 1)[0])
            continue
        _parse(chunk, path.name, line, tags, category, result)
    options.progress(len(chunks), len(chunks), path.name)
    return result


# --- writing -------------------------------------------------------------------------


def _esc(text: str) -> str:
    out = text.replace("\\", "\\\\")
    for ch in ":#={}~":
        out = out.replace(ch, "\\" + ch)
    return out.replace("\n", "\\n")


def _text(text: str, *, answer: bool = False) -> str:
    """A stem/answer as GIFT text that reads back as ``text``."""
    if answer and "->" in text:
        return "[html]" + _esc(m.text_to_html(text))
    if m.looks_like_html(text) or _FORMAT_TAG.match(text) or text.startswith("//"):
        return "[plain]" + _esc(text)
    return _esc(text)


def _answer(kind: str, weight: str | None, text: str) -> str:
    if weight is None and _WEIGHT.match(text):
        weight = "100" if kind == "=" else "0"
    return f"{kind}{f'%{weight}%' if weight is not None else ''}{_text(text, answer=True)}"


def _question(q: Question) -> str:
    stem = _text(q.stem)
    feedback = f"####{_text(q.explanation)}" if q.explanation else ""
    if q.qtype is QType.FILL:
        blocks = ["{" + " ".join(_answer("=", None, a) for a in alts) for alts in q.blanks]
        blocks[-1] += feedback
        blocks = [b + "}" for b in blocks]
        return m.embed_blocks(q.stem, stem, blocks)
    if q.qtype is QType.JUDGE:
        return f"{stem}{{{'T' if q.answer == ['T'] else 'F'}{feedback}}}"
    if q.qtype is QType.ESSAY:
        return f"{stem}{{{feedback}}}"
    lines = [stem + "{"]
    correct = set(q.answer)
    share = m.weight_text(len(correct)) if q.qtype is QType.MULTIPLE else None
    for letter, option in zip(LETTERS, q.options, strict=False):
        if share is None:
            lines.append("\t" + _answer("=" if letter in correct else "~", None, option))
        else:
            lines.append("\t" + _answer("~", share if letter in correct else "-100", option))
    if feedback:
        lines.append("\t" + feedback)
    lines.append("}")
    return "\n".join(lines)


def dumps(questions: Sequence[Question]) -> str:
    """GIFT text for ``questions`` (see the module docstring for what is kept)."""
    out: list[str] = []
    category = ""
    for q in questions:
        if q.category != category:
            category = q.category
            out.append(f"$CATEGORY: {m.category_for_moodle(category.replace(chr(10), ' '))}\n")
        head = f"// [tag:{'] [tag:'.join(t.replace(']', ')') for t in q.tags)}]\n" if q.tags else ""
        out.append(head + _question(q) + "\n")
    return "\n".join(out)


def write(path: Path, questions: Sequence[Question]) -> None:
    path.write_text(dumps(questions), encoding="utf-8")


FORMAT = FormatSpec(name="gift", label=N_("Moodle GIFT 文本"), extensions=(".gift", ".gift.txt"), read=read, write=write)
