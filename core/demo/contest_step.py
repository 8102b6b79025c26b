# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Demo step: one finished on-stage contest between three branches, and one ready to run.

The finished one is played event by event through the same store the host console writes to
(the rulings, a false start, an undone ruling, an adjustment with its reason, a tie-break), on an
afternoon two weeks ago, so its scores, result sheet, points and certificates are what a real
contest leaves behind. The second contest, next week, has its teams and questions drawn.
"""

from __future__ import annotations

import datetime as dt
import random
import tomllib
from dataclasses import replace
from typing import Any

from base.errors import InvalidInput
from base.i18n import N_, _
from core.certificates import keys
from core.contest import setup, store
from core.demo import DEMO_ADMIN, DEMO_PASSWORD, DemoContext, DemoStep, dated
from core.infra.clock import LOCAL_TZ, FakeClock, local_date
from core.infra.paths import resources_dir

SECOND_TEAMS = [("交警二支部队", "LJJJ2", ["200008", "200009", "200010"]),
                ("治安二支部队", "LJZA2", ["200022", "200023", "200024"]),
                ("刑侦二支部队", "LJXZ2", ["200036", "200037", "200038"])]


def sample_spec() -> dict[str, Any]:
    return tomllib.loads((resources_dir() / "demo" / "contest.toml").read_text(encoding="utf-8"))


def _e(kind: str, **data: Any) -> dict[str, Any]:
    return {"kind": kind, **data}


def script() -> list[dict[str, Any]]:
    """The afternoon as it went (buzzer times in seconds since the console started)."""
    r, w = True, False
    ev: list[dict[str, Any]] = [_e("round")]
    for turn, ok in enumerate([r, r, w, r, None, r]):                    # 必答: 2 each
        ev += [_e("show"), _e("timer", t=100.0 + turn * 40)]
        ev += [_e("timeout")] if ok is None else [_e("rule", team=turn % 3, correct=ok), _e("reveal")]
    t = 400.0
    ev.append(_e("round"))
    buzz: list[tuple[int | None, bool, int | None]] = [   # (team buzzing, right, false start before "go")
        (1, r, None), (0, w, 2), (2, r, None), (0, r, None), (None, w, None), (1, r, None)]
    for team, ok, early in buzz:
        ev.append(_e("show"))
        if early is not None:
            ev.append(_e("buzz", team=early, t=t - 0.4))
        ev.append(_e("go", t=t))
        if team is None:
            ev.append(_e("timeout"))
        else:
            ev += [_e("buzz", team=team, t=t + 0.8), _e("rule", team=team, correct=ok)]
        t += 60
    ev += [_e("undo"), _e("rule", team=1, correct=w), _e("reveal")]   # the judges overrule the last one
    ev.append(_e("round"))
    for team, (stake, ok) in enumerate([(20, r), (30, r), (30, w)]):   # 风险
        ev += [_e("stake", value=stake), _e("show"), _e("timer", t=t + team * 45), _e("rule", team=team, correct=ok)]
    ev.append(_e("adjust", team=2, delta=10, reason="评委复议：风险题答案要点齐全，酌情给分"))
    ev.append(_e("round"))
    for team, tile in enumerate([5, 2, 8]):                              # 选答
        ev += [_e("tile", tile=tile), _e("show"), _e("rule", team=team, correct=True), _e("reveal")]
    t += 400
    ev += [_e("round"), _e("show"), _e("go", t=t), _e("buzz", team=0, t=t + 0.6), _e("rule", team=0, correct=w),
           _e("reveal"), _e("finish")]                                   # 加赛: a wrong answer decides it
    return ev


def run(ctx: DemoContext) -> str:
    today = local_date(ctx.clock.now())
    held = today - dt.timedelta(days=16)
    start = dt.datetime.combine(held, dt.time(14, 30), LOCAL_TZ).astimezone(dt.UTC)
    stage = FakeClock(start)
    rng = random.Random(2026)
    with ctx.db.transaction() as s:
        from core.people.users import get_user

        admin = get_user(s, DEMO_ADMIN).actor.user_id
        parsed = setup.parse_spec(s, sample_spec())
        spec = setup.draw_questions(s, parsed.spec, rng)
        with dated(start - dt.timedelta(days=5)):
            done_id = store.create(s, spec, unit_id=parsed.unit_id, held_on=held, clock=stage, actor_id=admin)
        for event in script():
            stage.advance(25)
            with dated(stage.now()):
                store.record(s, done_id, event, clock=stage, actor_id=admin)
        second = sample_spec()
        second["title"] = "“平安杯”交通安全知识竞赛"
        second["teams"] = [{"name": n, "branch": b, "members": m, "key": k}
                           for (n, b, m), k in zip(SECOND_TEAMS, "QPZ", strict=True)]
        parsed2 = setup.parse_spec(s, second)
        spec2 = setup.draw_questions(s, replace(parsed2.spec), rng)
        store.create(s, spec2, unit_id=parsed2.unit_id, held_on=today + dt.timedelta(days=7), clock=ctx.clock,
                     actor_id=admin)
    issued = _certificates(ctx, done_id)
    return _("已举办 1 场知识竞赛（颁发 {n} 张荣誉证书），另有 1 场待举行", n=issued)


def _certificates(ctx: DemoContext, contest_id: Any) -> int:
    from core.contest.usecases import issue_certificates
    from core.people.users import get_user

    unlocked = None
    with ctx.db.transaction() as s:
        actor = get_user(s, DEMO_ADMIN).actor
        if keys.active_key(s) is not None and keys.signer(s) is None:
            try:
                unlocked = keys.unlock(s, DEMO_PASSWORD)
            except InvalidInput:
                pass
    try:
        return len(issue_certificates(ctx.db, actor, contest_id))
    finally:
        if unlocked is not None:
            keys.forget_unlocked(unlocked)


STEP = DemoStep("contest", 85, N_("举办知识竞赛现场赛"), run, actor=DEMO_ADMIN)
