# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Demo step: the ten team-written study materials in ``resources/demo/materials``."""

from __future__ import annotations

import datetime as dt
import json

from base.i18n import N_, _
from core.demo import DEMO_ADMIN, DemoContext, DemoStep, acting_as, dated, days_ago
from core.infra import audit
from core.infra.clock import local_date
from core.infra.paths import resources_dir
from core.study.materials import add_material, markdown_to_html


def run(ctx: DemoContext) -> str:
    folder = resources_dir() / "demo" / "materials"
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    today = local_date(ctx.clock.now())
    # When the administrator put each material up, as the reading history (study_step) has it: the
    # newest required material today, the one before it ten days ago, the rest before the history.
    required = [i for i, item in enumerate(index) if item.get("required")]
    posted = {i: days_ago(ctx, 122, 15, 3 * i) for i in range(len(index))}
    if len(required) >= 2:
        posted[required[-2]] = days_ago(ctx, 10, 8, 40)
    if required:
        posted[required[-1]] = days_ago(ctx, 0, 8, 30)
    with acting_as(ctx, DEMO_ADMIN), ctx.db.transaction() as s:
        for i, item in enumerate(index):
            text = (folder / item["file"]).read_text(encoding="utf-8")
            row = add_material(
                s, title=item["title"], topic=item.get("topic", ""), body_html=markdown_to_html(text),
                required=bool(item.get("required")), min_seconds=60 * int(item.get("min_minutes", 3)),
                due_date=today + dt.timedelta(days=14 + 7 * i) if item.get("required") else None,
                source_name=item["file"], source_format="md",
            )
            with dated(posted[i]):
                audit.record(s, "material.import", target_type="material", target_id=row.id, title=row.title,
                             file=row.source_name, topic=row.topic, required=row.required)
    return _("已添加 {n} 份学习资料", n=len(index))


STEP = DemoStep("materials", 30, N_("添加学习资料"), run)
