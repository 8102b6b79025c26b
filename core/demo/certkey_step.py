# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Demo step: the unit's certificate signing key, with the demo password as its passphrase.

Runs before the certificates are issued (so they are signed); an older demo database, whose
certificates were signed with the old HMAC key, gets the key now and its certificates are
countersigned, as any database is when an administrator sets up its key. The key is locked
again at the end: printing a certificate earned later asks for the passphrase (``demo123``,
shown with the demo logins).
"""

from __future__ import annotations

from base.i18n import N_, _
from core.certificates import keys
from core.demo import DEMO_PASSWORD, DemoContext, DemoStep


def run(ctx: DemoContext) -> str:
    with ctx.db.transaction() as s:
        if keys.active_key(s) is not None:
            return _("已有证书签名密钥")
        # The service, not the use case: the demo password is shorter than a real passphrase must be.
        row = keys.create_key(s, DEMO_PASSWORD, now=ctx.clock.now())
        keys.forget_unlocked(row)
        return _("已设置证书签名密钥（口令 {p}），指纹 {f}", p=DEMO_PASSWORD, f=keys.grouped(row.fingerprint))


STEP = DemoStep("certificate_key", 79, N_("设置证书签名密钥"), run)
