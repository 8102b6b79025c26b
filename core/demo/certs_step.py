# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Demo step: certificate templates with the sample seal; the demo exam's passers hold certificates.

One certificate is reissued and one revoked, so every status shows up; the
winner of the competition quiz (when it has results) gets an honour certificate.
With no passed attempts yet the step still sets up the templates and issues nothing.
The certificates are signed with the demo key (``certkey_step``), unlocked with the demo
password for this step only.
"""

from __future__ import annotations

from sqlalchemy import select

from base.errors import InvalidInput
from base.i18n import N_, _
from core.certificates import keys
from core.certificates.issue import issue_for_attempt, issue_honours, reissue, revoke
from core.certificates.templates import default_template_for, ensure_defaults
from core.demo import DEMO_ADMIN, DEMO_PASSWORD, DemoContext, DemoStep
from core.models import Attempt, Quiz


def run(ctx: DemoContext) -> str:
    unlocked = None
    with ctx.db.transaction() as s:
        key = keys.active_key(s)
        if key is not None and keys.signer(s) is None:
            try:
                unlocked = keys.unlock(s, DEMO_PASSWORD)
            except InvalidInput:
                pass                # a passphrase of its own: the certificates wait to be signed
    try:
        return _issue(ctx)
    finally:
        if unlocked is not None:
            keys.forget_unlocked(unlocked)


def _issue(ctx: DemoContext) -> str:
    clock = ctx.clock
    with ctx.db.transaction() as s:
        ensure_defaults(s, now=clock.now(), with_seal=True)
        completion = default_template_for(s, "completion")
        honour = default_template_for(s, "honour")
        exam = s.scalar(select(Quiz).where(Quiz.mode == "exam").order_by(Quiz.id).limit(1))
        issued = []
        if exam is not None and completion is not None:
            exam.certificate_template_id = completion.id
            s.flush()
            attempts = s.scalars(select(Attempt.id).where(
                Attempt.quiz_id == exam.id, Attempt.status == "submitted", Attempt.passed.is_(True))
                .order_by(Attempt.submitted_at, Attempt.id)).all()
            for attempt_id in attempts:
                info = issue_for_attempt(s, attempt_id, clock=clock)
                if info is not None:
                    issued.append(info)
        if len(issued) >= 1:
            reissue(s, issued[0].serial, clock=clock, reason=_("原证书遗失，本人申请补发"))
        if len(issued) >= 2:
            revoke(s, issued[-1].serial, clock=clock, reason=_("成绩复核发现违纪作答，取消合格资格"))
        honours = []
        contest = s.scalar(select(Quiz).where(Quiz.mode == "competition").order_by(Quiz.id).limit(1))
        if contest is not None and honour is not None:
            honours = issue_honours(s, quiz_id=contest.id, clock=clock, top=1, template=honour)
    return _("已颁发 {n} 份结业证书、{h} 份荣誉证书", n=len(issued), h=len(honours))


STEP = DemoStep("certificates", 80, N_("颁发演示证书"), run, actor=DEMO_ADMIN)
