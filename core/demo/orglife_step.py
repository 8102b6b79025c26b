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
# A reflection is an opening, then sentences each made of a first and a second half: enough
# combinations that two honest reflections share little, so the copied ones stand out.
OPENINGS = ["学习“{t}”后，我结合自身工作谈几点体会。", "参加“{t}”专题学习，我有以下几点收获。",
            "围绕“{t}”，我认真学习、反复思考，现将心得汇报如下。", "通过支部组织的“{t}”学习，我深受触动。",
            "这段时间我系统学习了“{t}”，体会很深。"]
FIRST = ["作为一名基层民警", "回顾自己这几年的工作", "对照学习内容查找差距", "在日常执勤执法中",
         "结合派出所的实际情况", "想到辖区群众的期盼", "面对新形势新任务", "在处置警情的过程中",
         "从身边英模的事迹里", "在社区走访的时候", "翻看自己的办案记录", "和支部同志交流以后",
         "值守路口的每一个清晨", "在审讯室和案卷之间", "作为支部的一名党员", "在窗口接待群众时",
         "经历了几次重大安保任务", "在整改问题的过程中", "看到年轻同志的成长", "想起入警时的誓言"]
SECOND = ["我更加认识到理想信念是立身之本", "我体会到公正执法才能赢得群众信任", "我发现自己的业务本领还有短板",
          "我懂得了群众的小事就是我们的大事", "我明白作风建设必须常抓不懈", "我感到纪律规矩就是高压线",
          "我意识到主动学习比被动接受更重要", "我看到了化解矛盾要做在前面", "我懂得细节决定执法质量",
          "我体会到团结协作才能打硬仗", "我认识到廉洁自律要从小事做起", "我更加珍惜这身警服的分量",
          "我找到了今后努力的方向", "我感受到担当两个字的重量", "我明白了服务和管理同样重要",
          "我认识到学习必须和实践结合", "我体会到初心需要时时擦亮", "我看清了自身存在的不足",
          "我感到责任更重了", "我对依法履职有了新的理解"]
ENDINGS = ["今后我将以更加饱满的热情投入工作。", "我会把这些体会落实到每一次执勤执法中。",
           "我将继续加强学习，努力做一名合格的人民警察。", "以上是我的学习体会，请组织批评指正。"]
EDITS = [("我", "本人"), ("认识到", "意识到"), ("体会到", "感受到"), ("今后", "以后"), ("工作", "业务"),
         ("更加", "愈发")]


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
    pairs = rng.sample([(a, b) for a in FIRST for b in SECOND], 6)
    return (rng.choice(OPENINGS).format(t=topic) + "".join(f"{a}，{b}。" for a, b in pairs)
            + rng.choice(ENDINGS))


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
                     "theme_day", TOPICS_DAY[i % len(TOPICS_DAY)], 120, []))
        if month.month in (3, 6, 9, 12):
            plan.append((dt.datetime.combine(month + dt.timedelta(days=24), dt.time(15, 0), LOCAL_TZ), "lecture",
                         TOPICS_LECTURE[(month.month // 3 - 1) % 4], 60, rng.sample(mats, 1)))
    nxt = today + dt.timedelta(days=(7 - today.weekday()) % 7 + 2)          # the coming week
    plan.append((dt.datetime.combine(nxt, dt.time(9, 0), LOCAL_TZ), "study", TOPICS_STUDY[0], 90, mats[:1]))
    plan.append((dt.datetime.combine(nxt + dt.timedelta(days=2), dt.time(14, 30), LOCAL_TZ), "theme_day",
                 TOPICS_DAY[0], 120, []))
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
        topic = TOPICS_STUDY[(i * 3) % len(TOPICS_STUDY)].removeprefix("学习")
        created = dt.datetime.combine(month + dt.timedelta(days=2), dt.time(10, 0), LOCAL_TZ).astimezone(dt.UTC)
        if created >= now:
            continue
        clock.set_wall(created)
        task = reflections.create_task(s, unit_id=unit_id, title=f"{topic}心得体会", topic=topic,
                                       due_date=month + dt.timedelta(days=20), clock=clock, min_chars=120,
                                       actor_id=secretary_id)
        texts: list[str] = []
        handed = sorted((created + dt.timedelta(days=rng.randint(1, 22), hours=rng.randint(0, 8), minutes=i), oid)
                        for i, oid in enumerate(members) if rng.random() >= 0.12)      # some never hand in
        for when, oid in handed:                  # in time order: a copy copies what was there already
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
            handed_in = reflections.get_reflection(s, rid)
            copied = float((handed_in.extra or {}).get("match_estimate") or 0)
            if copied > 0.6:
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
