# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Demo step: about four months of reading history for the demo officers.

Most officers read about an hour on workdays (日学一小时), some a little less, and a
few are clearly behind; required materials are finished once enough time was spent on
them. Rows are bulk-inserted so the step stays fast (it runs in test set-up too).
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

from sqlalchemy import insert, select

from base.i18n import N_, _
from core.demo import DemoContext, DemoStep
from core.infra.clock import LOCAL_TZ, local_date
from core.models import Material, MaterialProgress, Officer, Role, StudySession

DAYS = 120
# (share of officers, mean workday minutes, chance to study on a workday, chance on a weekend day,
#  how many materials they get through)
PROFILES = [(0.45, 62, 0.95, 0.25, 10), (0.30, 38, 0.8, 0.1, 6), (0.25, 12, 0.4, 0.0, 2)]
NAMESPACE = uuid.UUID("6f1c0f56-6d1e-4d39-9a39-5a8f3c7b2e10")


def profile_for(rng: random.Random) -> tuple[float, float, float, float, int]:
    x = rng.random()
    for profile in PROFILES:
        if x < profile[0]:
            return profile
        x -= profile[0]
    return PROFILES[-1]


RECENT_DAYS = 10


def run(ctx: DemoContext) -> str:
    now = ctx.clock.now()
    today = local_date(now)
    with ctx.db.transaction() as s:
        officers = s.execute(select(Officer.id, Officer.badge, Officer.unit_id)
                             .where(Officer.role != Role.ADMIN.value, Officer.active)).all()
        materials = s.execute(select(Material.id, Material.min_seconds, Material.required)
                              .where(Material.active).order_by(Material.id)).all()
        if not officers or not materials:
            return _("没有人员或学习资料，未生成学习记录")
        required = [m[0] for m in materials if m[2]]
        newest, recent = required[-1], set(required[-2:])
        sessions: list[dict[str, object]] = []
        progress: list[dict[str, object]] = []
        for officer_id, badge, unit_id in officers:
            rng = random.Random(f"study-{badge}")
            _share, mean, p_work, p_weekend, reach = profile_for(rng)
            # Required materials first, then the optional ones, in a personal order.
            order = [m for m in materials if m[2]] + rng.sample([m for m in materials if not m[2]],
                                                                 k=sum(1 for m in materials if not m[2]))
            # The newest required material was assigned today (nobody has read it yet); the one
            # before it ten days ago, so most have not finished it.
            order = [m for m in order[:reach] if m[0] != newest] or order[:1]
            older = [m for m in order if m[0] not in recent] or order
            spent: dict[int, int] = {}
            finished: dict[int, dt.date] = {}
            current = 0
            for back in range(DAYS, -1, -1):
                day = today - dt.timedelta(days=back)
                workday = day.weekday() < 5
                if rng.random() >= (p_work if workday else p_weekend):
                    continue
                minutes = max(3, int(rng.gauss(mean if workday else mean / 2, 10)))
                if back == 0:            # today: the morning so far
                    minutes = min(minutes, max(0, int((now.astimezone(LOCAL_TZ).hour - 7) * 20)))
                    if minutes <= 0:
                        continue
                start = dt.datetime.combine(day, dt.time(8 + rng.randrange(10), rng.randrange(60)), LOCAL_TZ)
                while minutes > 0:
                    pool = order if back <= RECENT_DAYS else older
                    mid, min_s, _req = pool[current % len(pool)]
                    chunk = min(minutes, max(5, rng.randint(10, 40)))
                    seconds = chunk * 60 - rng.randrange(60)
                    sessions.append({
                        "id": uuid.uuid5(NAMESPACE, f"{badge}/{day}/{mid}/{minutes}"), "officer_id": officer_id,
                        "unit_id": unit_id, "material_id": mid, "day": day,
                        "started_at": start.astimezone(dt.UTC),
                        "last_beat_at": (start + dt.timedelta(seconds=seconds)).astimezone(dt.UTC),
                        "active_seconds": seconds,
                    })
                    start += dt.timedelta(seconds=seconds + 120)
                    spent[mid] = spent.get(mid, 0) + seconds
                    if mid not in finished and spent[mid] >= max(min_s, 60):
                        finished[mid] = day
                    if spent[mid] >= max(min_s, 60) * 2:
                        current += 1
                    minutes -= chunk
            for mid, seconds in spent.items():
                done = finished.get(mid)
                progress.append({
                    "officer_id": officer_id, "material_id": mid, "seconds": seconds,
                    "position": 1.0 if done else round(rng.uniform(0.1, 0.8), 2),
                    "finished_at": dt.datetime.combine(done, dt.time(18), LOCAL_TZ).astimezone(dt.UTC) if done
                    else None,
                    "updated_at": now,
                })
        if sessions:
            s.execute(insert(StudySession), sessions)
        if progress:
            s.execute(insert(MaterialProgress), progress)
    return _("已生成 {n} 条学习记录", n=len(sessions))


STEP = DemoStep("study", 60, N_("生成学习记录"), run)
