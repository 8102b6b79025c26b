# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Demo step: the three team-written question banks in ``resources/demo/banks``.

The party and discipline banks are the whole bureau's (the administrator's); the traffic-law bank
is kept by 交警大队第一党支部, whose secretary imported it: it shows a branch's own bank next to
shared ones (core/access/ownership.py).
"""

from __future__ import annotations

import json

from base.errors import InvalidInput
from base.i18n import N_, _
from core.bank.importing import import_result
from core.demo import DEMO_ADMIN, DemoContext, DemoStep, acting_as, days_ago
from core.infra.paths import resources_dir
from core.people.org import unit_by_code_or_name
from quizbank.model import ImportResult, Question, SourceRef

# bank name -> (owning unit code, the secretary who imported it)
OWNED = {"道路交通安全法规": ("LJJJ1", "100001")}


def run(ctx: DemoContext) -> str:
    total = 0
    files = sorted((resources_dir() / "demo" / "banks").glob("*.json"))
    for n, path in enumerate(files):
        data = json.loads(path.read_text(encoding="utf-8"))
        result = ImportResult()
        for i, d in enumerate(data["questions"], start=1):
            q = Question.from_dict(d)
            q.source = SourceRef(file=path.name, row=i)
            result.questions.append(q)
        # Imported over the days before the first quiz opened (120 days ago).
        unit, importer = OWNED.get(data["bank"], (None, DEMO_ADMIN))
        owner = None
        if unit is not None:
            with ctx.db.transaction() as s:
                owner = unit_by_code_or_name(s, unit).id
        with acting_as(ctx, importer, at=days_ago(ctx, 127 - n, 10, 15 + 7 * n)):
            report = import_result(ctx.db, result, bank=data["bank"], owner_unit_id=owner)
        if not report.stored:
            raise InvalidInput(f"{path.name}: " + "; ".join(str(p) for p in report.errors[:3]))
        total += report.imported
    return _("已导入 {n} 道演示题目（{b} 个题库）", n=total, b=len(files))


STEP = DemoStep("banks", 20, N_("导入演示题库"), run)
