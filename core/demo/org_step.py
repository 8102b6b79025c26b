# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Demo step: units and officers from ``resources/demo/org.json`` (one password hash for all)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from base.i18n import N_, _
from core.demo import DEMO_PASSWORD, DemoContext, DemoStep
from core.infra.clock import local_date
from core.infra.passwords import hash_password
from core.infra.paths import resources_dir
from core.people.org import add_unit
from core.people.users import add_user


def load_org() -> dict[str, list[dict[str, Any]]]:
    return json.loads((resources_dir() / "demo" / "org.json").read_text(encoding="utf-8"))


def run(ctx: DemoContext) -> str:
    data = load_org()
    # Argon2 costs ~0.2 s per hash: hash the shared demo password once.
    pw_hash = hash_password(DEMO_PASSWORD)
    joined = local_date(ctx.clock.now()) - dt.timedelta(days=400)
    with ctx.db.transaction() as s:
        for u in data["units"]:
            add_unit(s, str(u["code"]), str(u["name"]), str(u["kind"]), u.get("parent"))
        for o in data["officers"]:
            add_user(
                s, badge=str(o["badge"]), name=str(o["name"]), unit=str(o["unit"]), password_hash=pw_hash,
                role=str(o.get("role", "officer")),
                category="auxiliary" if o.get("category") == "辅警" else "police",
                party_member=bool(o.get("party_member")), title=str(o.get("title", "")),
                gender=str(o.get("gender", "")), joined=joined,
            )
    return _("已创建 {u} 个单位、{o} 名人员", u=len(data["units"]), o=len(data["officers"]))


STEP = DemoStep("org", 10, N_("创建单位和人员"), run)
