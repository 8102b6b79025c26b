# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Demo step: the three team-written question banks in ``resources/demo/banks``."""

from __future__ import annotations

import json

from base.errors import InvalidInput
from base.i18n import N_, _
from core.bank.importing import import_result
from core.demo import DemoContext, DemoStep
from core.infra.paths import resources_dir
from quizbank.model import ImportResult, Question, SourceRef


def run(ctx: DemoContext) -> str:
    total = 0
    files = sorted((resources_dir() / "demo" / "banks").glob("*.json"))
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        result = ImportResult()
        for i, d in enumerate(data["questions"], start=1):
            q = Question.from_dict(d)
            q.source = SourceRef(file=path.name, row=i)
            result.questions.append(q)
        report = import_result(ctx.db, result, bank=data["bank"])
        if not report.stored:
            raise InvalidInput(f"{path.name}: " + "; ".join(str(p) for p in report.errors[:3]))
        total += report.imported
    return _("已导入 {n} 道演示题目（{b} 个题库）", n=total, b=len(files))


STEP = DemoStep("banks", 20, N_("导入演示题库"), run)
