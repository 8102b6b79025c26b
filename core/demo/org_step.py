# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Demo step: units and officers from ``resources/demo/org.json`` (one password hash for all)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy.orm import Session

from base.i18n import N_, _
from core.demo import DEMO_PASSWORD, DemoContext, DemoStep, acting_as, dated
from core.infra.clock import LOCAL_TZ, local_date
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
    # The audit log's story: the administrator's account was set up with nobody logged in, then the
    # administrator entered everyone else the same morning.
    morning = dt.datetime.combine(joined, dt.time(9, 0), LOCAL_TZ).astimezone(dt.UTC)
    admins = [o for o in data["officers"] if o.get("role") == "admin"][:1]
    others = [o for o in data["officers"] if o not in admins]
    with acting_as(ctx, None, at=morning), ctx.db.transaction() as s:
        for u in data["units"]:
            add_unit(s, str(u["code"]), str(u["name"]), str(u["kind"]), u.get("parent"))
        for o in admins:
            _add(s, o, pw_hash, joined)
    with acting_as(ctx, str(admins[0]["badge"]) if admins else None), ctx.db.transaction() as s:
        for i, o in enumerate(others):
            with dated(morning + dt.timedelta(minutes=20, seconds=40 * i)):
                _add(s, o, pw_hash, joined)
    return _("已创建 {u} 个单位、{o} 名人员", u=len(data["units"]), o=len(data["officers"]))


def _add(s: Session, o: dict[str, Any], pw_hash: str, joined: dt.date) -> None:
    add_user(
        s, badge=str(o["badge"]), name=str(o["name"]), unit=str(o["unit"]), password_hash=pw_hash,
        role=str(o.get("role", "officer")),
        category="auxiliary" if o.get("category") == "辅警" else "police",
        party_member=bool(o.get("party_member")), title=str(o.get("title", "")),
        gender=str(o.get("gender", "")), joined=joined,
    )


STEP = DemoStep("org", 10, N_("创建单位和人员"), run)
