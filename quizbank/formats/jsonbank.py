# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""JSON question banks (read several shapes; write StudyHall's own).

Shapes read:

* StudyHall's schema ``{"studyhall": 1, "bank": "…", "questions": [Question.to_dict(), …]}``;
* a list of objects whose keys name fields in Chinese or English (题干/question/title,
  选项/options or a…h keys, 答案/answer, 解析/explanation/description, 类型/type,
  image/图片), also wrapped in an object under ``questions``/``data``/``items``;
  option texts that repeat their own letter (``"A. 违法行为"``) lose it, HTML
  explanations become plain text, relative image paths resolve against the file's
  folder (never outside it);
* the 学习强国 shape ``{"题干|选项1|选项2…": "答案文本"}`` whose blanks are NBSP runs.

Problems carry ``row`` = the 1-based position of the question in its list.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from pathlib import Path

from base.i18n import N_, _
from base.limits import LimitExceeded, check_file_size
from base.problems import Problem, Severity
from quizbank.columns import RawQuestion, Where, build_question, display, has_error, header_field, is_five_scale
from quizbank.formats import FormatSpec, ReadOptions
from quizbank.model import LETTERS, ImportResult, Question, SourceRef
from quizbank.normalize import clean

SCHEMA_KEY = "studyhall"
SCHEMA_VERSION = 1
CHECK_EVERY = 500
_WRAPPER_KEYS = ("questions", "data", "items", "list", "rows", "题目", "试题")
_OPTION_LIST_KEYS = {"options", "option", "choices", "选项", "items"}
_MEDIA_KEYS = {"image": "image", "img": "image", "picture": "image", "pic": "image", "图片": "image",
               "video": "video", "视频": "video"}
_NBSP_RUN = re.compile("\u00a0{2,}")
_BREAK_TAG = re.compile(r"<\s*(?:br\s*/?|/p|/div|/li)\s*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_REMOTE = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_SCHEMA_FIELDS = {"type": N_("题型"), "stem": N_("题干"), "options": N_("选项"), "answer": N_("答案"),
                  "blanks": N_("答案"), "difficulty": N_("难度"), "score": N_("分值")}


def html_to_text(text: str) -> str:
    """Plain text of an HTML fragment: line breaks kept, tags dropped, entities decoded."""
    if "<" not in text and "&" not in text:
        return clean(text)
    return clean(html.unescape(_TAG.sub("", _BREAK_TAG.sub("\n", text))))


def _text(value: object) -> str:
    if isinstance(value, list):
        return ",".join(display(v) for v in value)
    return display(value)


def _options(value: object) -> list[str]:
    if isinstance(value, list):
        return [display(v) for v in value]
    if isinstance(value, dict):
        return [display(value[k]) for k in sorted(value, key=str)]
    if isinstance(value, str):
        return [ln for ln in (clean(x) for x in value.splitlines()) if ln]
    return []


class _Reader:
    def __init__(self, path: Path, options: ReadOptions) -> None:
        self.path = path
        self.folder = path.resolve().parent
        self.options = options
        self.result = ImportResult()
        self.label = _("正在读取 {file}", file=path.name)

    def tick(self, i: int, total: int) -> None:
        if i % CHECK_EVERY == 0:
            self.options.cancel.check()
            self.options.progress(i, total, self.label)

    def emit(self, q: Question | None, problems: list[Problem]) -> None:
        self.result.problems.extend(problems)
        if q is not None and not has_error(problems):
            self.result.questions.append(q)

    # --- StudyHall's schema ----------------------------------------------------------

    def schema(self, items: object) -> None:
        if not isinstance(items, list):
            self.emit(None, [Where(self.path.name).problem(None, _("“questions”应为列表"))])
            return
        for i, item in enumerate(items, 1):
            self.tick(i, len(items))
            where = Where(self.path.name, None, i)
            if not isinstance(item, dict):
                self.emit(None, [where.problem(None, _("应为对象"))])
                continue
            try:
                q = Question.from_dict(item)
            except KeyError as exc:
                field = _SCHEMA_FIELDS.get(str(exc.args[0]), str(exc.args[0]))
                self.emit(None, [where.problem(_(field), _("缺少此项"))])
                continue
            except (TypeError, ValueError) as exc:
                self.emit(None, [where.problem(None, _("内容无法识别：{error}", error=exc))])
                continue
            q.source = SourceRef(self.path.name, None, i)
            self.emit(q, [where.problem(f, m) for f, m in q.problems()])

    # --- lists of objects -------------------------------------------------------------

    def objects(self, items: list[object]) -> None:
        five = is_five_scale([_text(v) for it in items if isinstance(it, dict)
                              for k, v in it.items() if header_field(str(k)) == "difficulty"])
        for i, item in enumerate(items, 1):
            self.tick(i, len(items))
            if not isinstance(item, dict) or not item:
                if item not in ({}, None):
                    self.emit(None, [Where(self.path.name, None, i).problem(None, _("应为对象"))])
                continue
            self.one_object(item, Where(self.path.name, None, i), five)

    def one_object(self, item: dict[object, object], where: Where, five: bool) -> None:
        raw = RawQuestion(options=[])
        letters: dict[int, str] = {}
        media: list[tuple[str, str]] = []
        for key, value in item.items():
            name = str(key)
            lowered = name.strip().casefold()
            if lowered in _MEDIA_KEYS:
                media.extend((_MEDIA_KEYS[lowered], v) for v in (value if isinstance(value, list) else [value])
                             if isinstance(v, str) and v.strip())
                continue
            if lowered in _OPTION_LIST_KEYS and (
                isinstance(value, (list, dict)) or (isinstance(value, str) and "\n" in value)
            ):
                raw.options = _options(value)
                continue
            field = header_field(name)
            if field is None:
                continue
            if field.startswith("option_"):
                letters[LETTERS.index(field[-1])] = display(value)
            elif field == "explanation":
                raw.explanation = html_to_text(value) if isinstance(value, str) else _text(value)
            elif field == "stem":
                if not raw.stem:
                    raw.stem = html_to_text(value) if isinstance(value, str) else _text(value)
            else:
                attr = "type_text" if field == "type" else field
                if not getattr(raw, attr):
                    setattr(raw, attr, _text(value))
        if letters and not raw.options:
            raw.options = [letters.get(i, "") for i in range(max(letters) + 1)]
        if _blank_raw(raw) and not media:
            return
        q, problems = build_question(raw, where, None, five)
        for kind, ref in media:
            self.attach(q, kind, ref.strip(), where, problems)
        self.emit(q, problems)

    def attach(self, q: Question, kind: str, ref: str, where: Where, problems: list[Problem]) -> None:
        field = _("图片") if kind == "image" else _("视频")
        if _REMOTE.match(ref):
            problems.append(where.problem(field, _("网络文件不会下载：{ref}", ref=ref), Severity.WARNING))
            return
        target = (self.folder / ref).resolve()
        if Path(ref).is_absolute() or not target.is_relative_to(self.folder):
            problems.append(where.problem(field, _("路径“{ref}”指向题库文件夹之外，已拒绝", ref=ref)))
            return
        if not target.is_file():
            problems.append(where.problem(field, _("文件“{ref}”不存在", ref=ref), Severity.WARNING))
            return
        q.media.append(str(target))

    # --- {"题干|选项1|选项2": "答案"} ----------------------------------------------------

    def keyed(self, mapping: dict[str, object]) -> None:
        total = len(mapping)
        for i, (key, value) in enumerate(mapping.items(), 1):
            self.tick(i, total)
            parts = str(key).split("|")
            stem = clean(_NBSP_RUN.sub("\x00", parts[0])).replace("\x00", "（　）")
            raw = RawQuestion(stem=stem, options=[clean(p) for p in parts[1:]], answer=_text(value))
            if _blank_raw(raw):
                continue
            self.emit(*build_question(raw, Where(self.path.name, None, i)))


ObjectReader = _Reader   # the JSON Lines format reads its objects the same way


def known_key(key: object) -> bool:
    """Whether an object key names a field this reader takes (题干, options, answer, image…)."""
    name = str(key).strip().casefold()
    return header_field(str(key)) is not None or name in _OPTION_LIST_KEYS or name in _MEDIA_KEYS


def _blank_raw(raw: RawQuestion) -> bool:
    return not (raw.stem or raw.answer or raw.explanation or any(raw.options or ()))


def _load(path: Path) -> tuple[object, Problem | None]:
    where = Where(path.name)
    try:
        check_file_size(path)
        data = path.read_bytes()
    except LimitExceeded as exc:
        return None, exc.problem
    except OSError as exc:
        return None, where.problem(None, _("无法打开文件：{error}", error=exc))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            return None, where.problem(None, _("文件编码无法识别（应为UTF-8或GBK）"))
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        return None, Problem(path.name, _("不是有效的JSON：{error}", error=exc.msg), line=exc.lineno)
    except RecursionError:
        return None, where.problem(None, _("不是有效的JSON：{error}", error=_("嵌套过深")))


def _read(path: Path, options: ReadOptions) -> ImportResult:
    data, problem = _load(path)
    reader = _Reader(path, options)
    if problem is not None:
        reader.result.problems.append(problem)
        return reader.result
    if isinstance(data, dict) and SCHEMA_KEY in data:
        reader.schema(data.get("questions"))
    elif isinstance(data, list):
        reader.objects(data)
    elif isinstance(data, dict) and (wrapped := _wrapped_list(data)) is not None:
        reader.objects(wrapped)
    elif isinstance(data, dict) and data and all(isinstance(v, (str, int, float, list)) for v in data.values()):
        reader.keyed(data)
    else:
        reader.result.problems.append(Where(path.name).problem(None, _("没有找到题目列表")))
    options.progress(len(reader.result.questions), len(reader.result.questions), reader.label)
    return reader.result


def _wrapped_list(data: dict[str, object]) -> list[object] | None:
    for key in _WRAPPER_KEYS:
        value = data.get(key)
        if isinstance(value, list):
            return value
    lists = [v for v in data.values() if isinstance(v, list) and v and all(isinstance(x, dict) for x in v)]
    return lists[0] if len(lists) == 1 else None


def _write(path: Path, questions: Sequence[Question]) -> None:
    doc = {SCHEMA_KEY: SCHEMA_VERSION, "bank": path.stem, "questions": [q.to_dict() for q in questions]}
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


FORMAT = FormatSpec(
    name="json",
    label=N_("JSON 题库"),
    extensions=(".json",),
    read=_read,
    write=_write,
)
