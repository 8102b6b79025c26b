# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""JSON Lines question banks (``.jsonl``, ``.ndjson``): one JSON object a line, read only.

Each object is read like an object of a JSON list (:mod:`quizbank.formats.jsonbank`): keys name
fields in Chinese or English (题干/question/title, 选项/options or A–H keys, 答案/answer,
解析/explanation, 类型/type, image/图片). A line that is no JSON object is a problem located by
its line; blank lines are skipped. When no object has a key that names a field, nothing is
read and the file's :class:`~quizbank.model.Layout` lists the keys it has, so the import's
refusal can say what the file looked like.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from base.i18n import N_, _
from base.limits import LimitExceeded, check_file_size, check_rows, looks_binary
from base.problems import Problem
from quizbank.columns import Where, header_field, is_five_scale
from quizbank.formats import FormatSpec, ReadOptions
from quizbank.formats.jsonbank import ObjectReader, known_key
from quizbank.formats.textfile import decode, not_text
from quizbank.model import LAYOUT_NONE, ImportResult, Layout

CHECK_EVERY = 500


def _read(path: Path, options: ReadOptions) -> ImportResult:
    file = path.name
    try:
        check_file_size(path)
        data = path.read_bytes()
    except LimitExceeded as exc:
        return ImportResult(problems=[exc.problem])
    except OSError as exc:
        return ImportResult(problems=[Problem(file, _("无法打开文件：{error}", error=exc))])
    if looks_binary(data):
        return not_text(file, data)
    lines = decode(data)[0].splitlines()
    try:
        check_rows(file, len(lines))
    except LimitExceeded as exc:
        return ImportResult(problems=[exc.problem])
    reader = ObjectReader(path, options)
    objects: list[tuple[int, dict[object, object]]] = []
    keys: Counter[str] = Counter()
    for n, line in enumerate(lines, 1):
        if n % CHECK_EVERY == 0:
            options.cancel.check()
            options.progress(n, len(lines), reader.label)
        if not line.strip():
            continue
        where = Where(file, line=n)
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            reader.result.problems.append(where.problem(None, _("不是有效的JSON：{error}", error=exc.msg)))
            continue
        except RecursionError:
            reader.result.problems.append(where.problem(None, _("不是有效的JSON：{error}", error=_("嵌套过深"))))
            continue
        if not isinstance(item, dict):
            reader.result.problems.append(where.problem(None, _("应为对象")))
            continue
        keys.update(str(k) for k in item)
        objects.append((n, item))
    five = is_five_scale([str(v) for _n, item in objects for k, v in item.items()
                          if header_field(str(k)) == "difficulty"])
    if not any(known_key(k) for k in keys):
        names = "、".join(k for k, _c in keys.most_common(8)) or _("（无）")
        reader.result.layouts.append(Layout(file, kind=LAYOUT_NONE, shape=_(
            "{n} 个 JSON 对象，字段：{keys}；没有题干、答案等能认出的字段", n=len(objects), keys=names)))
        return reader.result
    for n, item in objects:
        reader.one_object(item, Where(file, line=n), five)
    options.progress(len(lines), len(lines), reader.label)
    return reader.result


FORMAT = FormatSpec(
    name="jsonl",
    label=N_("JSON Lines 题库（一行一个对象）"),
    extensions=(".jsonl", ".ndjson"),
    read=_read,
)
