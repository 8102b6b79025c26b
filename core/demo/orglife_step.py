# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Demo step: a year of organisation life, made by the real services at the dates it happened.

Every branch holds a 集中学习 and a 主题党日 each month and a 党课 each quarter; most members come,
some are on leave or absent, and absentees make up by reading the linked materials. Each quarter
the branch asks for a 心得体会: most members hand one in, a few copy a colleague's with small edits
(the review screen flags them), and the secretary reviews them. The four quarters before the
current one are rated and published by the administrator (one adjusted, with its reason). Two
sessions are planned for next week, so the officers' home pages show what is coming.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from base.i18n import N_, _
from core.demo import DEMO_ADMIN, DemoContext, DemoStep, acting_as
from core.infra import audit
from core.infra.clock import LOCAL_TZ, FakeClock, local_date
from core.models import Material, Officer, Role, Unit, UnitKind
from core.orglife import rating, reflections, sessions
from core.orglife.sessions import ABSENT, LEAVE, PRESENT, SessionSpec
from core.reports.period import period_of
from core.study import tracker

MONTHS = 12
LEAVE_REASONS = ["出差", "值班备勤", "外出办案", "病假", "参加培训", "轮休"]
TOPICS_STUDY = ["学习贯彻党的二十届三中全会精神", "学习《中国共产党纪律处分条例》", "学习新时代公安工作重要论述",
                "学习《公安机关人民警察内务条令》", "学习习近平法治思想", "学习全国公安工作会议精神",
                "学习《中国共产党章程》", "学习新修订的《治安管理处罚法》", "学习“枫桥经验”与基层治理",
                "学习公安英模先进事迹", "学习意识形态工作责任制", "学习《关于新形势下党内政治生活的若干准则》"]
TOPICS_DAY = ["重温入党誓词", "走访慰问困难群众", "参观廉政教育基地", "社区义务服务", "警示教育观影",
              "交通安全宣传进校园", "重走红色路线", "结对帮扶走访", "学雷锋志愿服务", "防诈骗宣传进社区",
              "参观公安博物馆", "评选身边好警察"]
TOPICS_LECTURE = ["书记讲党课：坚定理想信念", "书记讲党课：锤炼过硬作风", "书记讲党课：严守纪律规矩",
                  "书记讲党课：践行为民宗旨"]
SENTENCES = [
    "通过这次学习，我对坚定理想信念有了更深的认识。", "作为一名人民警察，必须始终把人民群众的安全放在首位。",
    "在今后的工作中，我要把学习成果转化为执法为民的实际行动。", "要严守纪律规矩，做到自重自省自警自励。",
    "基层派出所的工作千头万绪，更需要我们沉下心来为群众办实事。", "我深刻体会到公正执法是公安机关的生命线。",
    "对照先进典型，我在主动学习方面还有不小的差距。", "要坚持问题导向，把化解矛盾纠纷做在前面。",
    "交通管理工作关系千家万户，每一次执勤都是服务群众的窗口。", "刑侦工作要讲证据、讲程序，办案质量就是生命线。",
    "我将持续加强业务学习，提高依法履职的能力。", "学习中我认识到，作风建设永远在路上。",
    "要把“枫桥经验”落实到社区警务的每个环节。", "面对新型犯罪，我们必须不断更新知识和技能。",
    "廉洁自律不是一句口号，而是每天都要守住的底线。", "支部组织的讨论让我受益匪浅，也看到了同事们的担当。",
    "我要带头学习、带头实践，在岗位上当好表率。", "这次学习让我对初心使命有了更具体的理解。",
    "服务群众要有耐心，群众的小事就是我们的大事。", "今后我要把理论学习和本职工作紧密结合起来。",
    "从身边的英模事迹中，我感受到了忠诚和奉献的力量。", "我将以更加饱满的热情投入到各项工作中去。",
    "要增强群众观念，耐心听取群众的意见和诉求。", "在执法执勤中，要做到文明规范、公正高效。",
]
EDITS = [("我", "本人"), ("要", "必须"), ("深刻", "深深"), ("今后", "以后"), ("工作", "业务")]


class _At(FakeClock):
    """The services' clock, moved to each event of the story."""


@contextlib.contextmanager
def _on(clock: _At) -> Iterator[None]:
    """Audit rows written inside are dated by ``clock`` (the event's time), same person and PC."""
    now = audit.current()
    with audit.acting(now.actor_id if now else None, clock=clock, pc=now.pc if now else None):
        yield


def _reading(session: Session, officer_id: int, material_ids: list[int], when: dt.datetime, clock: _At) -> None:
    """An absentee's 补学: the reader's time on each linked material, then finishing it (real tracker)."""
    import uuid

    for mid in material_ids:
        material = session.get(Material, mid)
        if material is None:
            continue
        seconds = max(material.min_seconds, 600)
        clock.set_wall(when)
        tracker.record_beat(session, tracker.Beat(uuid.uuid5(uuid.NAMESPACE_OID, f"makeup-{officer_id}-{mid}-{when}"),
                                                  officer_id, mid, {local_date(when): seconds}, 1.0), clock)
        clock.set_wall(when + dt.timedelta(seconds=seconds))
        tracker.finish_material(session, officer_id, mid, clock)


def _reflection_text(rng: random.Random, topic: str) -> str:
    body = rng.sample(SENTENCES, 7)
    return f"学习“{topic}”后，我结合自身工作谈几点体会。" + "".join(body)


def _near_copy(rng: random.Random, text: str) -> str:
    for old, new in rng.sample(EDITS, 3):
        text = text.replace(old, new, 1)
    return text + "以上是我的一点粗浅体会。"


def _months(today: dt.date) -> Iterator[dt.date]:
    first = today.replace(day=1)
    for back in range(MONTHS, 0, -1):
        total = first.year * 12 + first.month - 1 - back
        yield dt.date(total // 12, total % 12 + 1, 1)


def run(ctx: DemoContext) -> str:
    now = ctx.clock.now()
    today = local_date(now)
    clock = _At(now)
    made = {"sessions": 0, "reflections": 0, "ratings": 0}
    with ctx.db.transaction() as s:
        sessions.seed_kinds(s)
        branch_rows = s.execute(select(Unit.id, Unit.code).where(Unit.kind == UnitKind.BRANCH.value, Unit.active)
                                .order_by(Unit.sort_order, Unit.id)).all()
        mats = list(s.scalars(select(Material.id).where(Material.active, Material.required.is_(False))
                              .order_by(Material.id)))
    for unit_id, code in branch_rows:
        with ctx.db.transaction() as s:
            secretary = s.scalar(select(Officer).where(Officer.unit_id == unit_id,
                                                       Officer.role == Role.SECRETARY.value))
            badge = secretary.badge if secretary else None
        with acting_as(ctx, badge), _on(clock), ctx.db.transaction() as s:
            made["sessions"] += _branch_sessions(s, unit_id, code, today, now, clock, mats,
                                                 secretary.id if secretary else None)
            made["reflections"] += _branch_reflections(s, unit_id, code, today, now, clock,
                                                       secretary.id if secretary else None)
    made["ratings"] = _ratings(ctx, today, clock)
    return _("已登记 {s} 次组织生活、{r} 篇心得体会，公布 {q} 个季度的支部评星", s=made["sessions"],
             r=made["reflections"], q=made["ratings"])


def _branch_sessions(s: Session, unit_id: int, code: str, today: dt.date, now: dt.datetime, clock: _At,
                     mats: list[int], secretary_id: int | None) -> int:
    rng = random.Random(f"orglife-{code}")
    members = [o.id for o in sessions.members(s, unit_id)]
    count = 0
    plan: list[tuple[dt.datetime, str, str, int, list[int]]] = []
    for i, month in enumerate(_months(today)):
        plan.append((dt.datetime.combine(month + dt.timedelta(days=rng.randint(3, 9)), dt.time(9, 0), LOCAL_TZ),
                     "study", TOPICS_STUDY[(i + rng.randint(0, 2)) % len(TOPICS_STUDY)], 90,
                     rng.sample(mats, min(2, len(mats)))))
        plan.append((dt.datetime.combine(month + dt.timedelta(days=rng.randint(14, 20)), dt.time(14, 30), LOCAL_TZ),
                     "theme_day", "主题党日：" + TOPICS_DAY[i % len(TOPICS_DAY)], 120, []))
        if month.month in (3, 6, 9, 12):
            plan.append((dt.datetime.combine(month + dt.timedelta(days=24), dt.time(15, 0), LOCAL_TZ), "lecture",
                         TOPICS_LECTURE[(month.month // 3 - 1) % 4], 60, rng.sample(mats, 1)))
    nxt = today + dt.timedelta(days=(7 - today.weekday()) % 7 + 2)          # the coming week
    plan.append((dt.datetime.combine(nxt, dt.time(9, 0), LOCAL_TZ), "study", TOPICS_STUDY[0], 90, mats[:1]))
    plan.append((dt.datetime.combine(nxt + dt.timedelta(days=2), dt.time(14, 30), LOCAL_TZ), "theme_day",
                 "主题党日：" + TOPICS_DAY[0], 120, []))
    for start_local, kind, topic, minutes, linked in plan:
        start = start_local.astimezone(dt.UTC)
        marks: dict[int, tuple[str, str]] = {}
        if start <= now:
            for oid in members:
                x = rng.random()
                marks[oid] = (PRESENT, "") if x < 0.84 else (LEAVE, rng.choice(LEAVE_REASONS)) if x < 0.95 \
                    else (ABSENT, "")
        clock.set_wall(min(now, start + dt.timedelta(minutes=minutes + 30)) if start <= now
                       else now - dt.timedelta(hours=2))
        sid = sessions.record_session(s, SessionSpec(unit_id, kind, topic, start, minutes, place="支部活动室",
                                                     speaker="", material_ids=linked, attendance=marks),
                                      clock, actor_id=secretary_id)
        count += 1
        for oid, (status, _r) in marks.items():
            if status == PRESENT or rng.random() > 0.75:
                continue
            when = start + dt.timedelta(days=rng.randint(2, 12), hours=11)
            if when >= now:
                continue
            if linked:
                _reading(s, oid, linked, when, clock)
            else:
                clock.set_wall(when)
                sessions.confirm_makeup(s, sid, oid, clock, actor_id=secretary_id, note="观看活动视频补学")
    return count


def _branch_reflections(s: Session, unit_id: int, code: str, today: dt.date, now: dt.datetime, clock: _At,
                        secretary_id: int | None) -> int:
    rng = random.Random(f"reflections-{code}")
    members = [o.id for o in sessions.members(s, unit_id)]
    count = 0
    for i, month in enumerate(m for m in _months(today) if m.month in (2, 5, 8, 11)):
        topic = TOPICS_STUDY[(i * 3) % len(TOPICS_STUDY)]
        created = dt.datetime.combine(month + dt.timedelta(days=2), dt.time(10, 0), LOCAL_TZ).astimezone(dt.UTC)
        if created >= now:
            continue
        clock.set_wall(created)
        task = reflections.create_task(s, unit_id=unit_id, title=f"{topic}心得体会", topic=topic,
                                       due_date=month + dt.timedelta(days=20), clock=clock, min_chars=150,
                                       actor_id=secretary_id)
        texts: list[str] = []
        for oid in members:
            if rng.random() < 0.12:
                continue                          # not handed in
            when = created + dt.timedelta(days=rng.randint(1, 22), hours=rng.randint(0, 8))
            if when >= now:
                continue
            text = _near_copy(rng, rng.choice(texts)) if texts and rng.random() < 0.1 else _reflection_text(rng, topic)
            texts.append(text)
            clock.set_wall(when)
            rid = reflections.submit(s, officer_id=oid, task_id=task, text=text, clock=clock)
            count += 1
            review_at = when + dt.timedelta(days=rng.randint(1, 5))
            if review_at >= now or rng.random() < 0.1:
                continue                          # still waiting for review
            clock.set_wall(review_at)
            copied = (s.get(reflections.Reflection, rid).extra or {}).get("match_estimate", 0) or 0
            if copied > 0.4:
                reflections.review(s, rid, reflections.RETURNED, "与他人心得雷同，请结合本职工作独立撰写", clock,
                                   reviewer_id=secretary_id)
            else:
                verdict = reflections.EXCELLENT if rng.random() < 0.25 else reflections.PASSED
                reflections.review(s, rid, verdict, "联系实际，体会真切" if verdict == reflections.EXCELLENT else "",
                                   clock, reviewer_id=secretary_id)
    return count


def _ratings(ctx: DemoContext, today: dt.date, clock: _At) -> int:
    current = period_of("quarter", today)
    quarters = [current.shift(-n) for n in range(4, 0, -1)]
    with acting_as(ctx, DEMO_ADMIN), _on(clock), ctx.db.transaction() as s:
        for q in quarters:
            clock.set_wall(dt.datetime.combine(q.end + dt.timedelta(days=5), dt.time(10), LOCAL_TZ)
                           .astimezone(dt.UTC))
            rating.compute(s, q, clock, actor_id=None)
            if q == quarters[-1]:
                top = rating.ranking(s, q, published_only=False)
                if len(top) > 1:
                    rating.adjust(s, q, top[-1].unit_id, min(100.0, top[-1].score + 5),
                                  "本季度承担重大安保任务，经党委会研究酌情加分", actor_id=None)
            rating.publish(s, q, clock, actor_id=None)
    return len(quarters)


STEP = DemoStep("orglife", 75, N_("生成组织生活、心得体会与支部评星"), run)
