# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Demo step: the ten team-written study materials in ``resources/demo/materials``."""

from __future__ import annotations

import datetime as dt
import json

from base.i18n import N_, _
from core.demo import DemoContext, DemoStep
from core.infra.clock import local_date
from core.infra.paths import resources_dir
from core.study.materials import add_material, markdown_to_html


def run(ctx: DemoContext) -> str:
    folder = resources_dir() / "demo" / "materials"
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    today = local_date(ctx.clock.now())
    with ctx.db.transaction() as s:
        for i, item in enumerate(index):
            text = (folder / item["file"]).read_text(encoding="utf-8")
            add_material(
                s, title=item["title"], topic=item.get("topic", ""), body_html=markdown_to_html(text),
                required=bool(item.get("required")), min_seconds=60 * int(item.get("min_minutes", 3)),
                due_date=today + dt.timedelta(days=14 + 7 * i) if item.get("required") else None,
                source_name=item["file"], source_format="md",
            )
    return _("已添加 {n} 份学习资料", n=len(index))


STEP = DemoStep("materials", 30, N_("添加学习资料"), run)
