# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Screenshots of the certificate signing key (offscreen, 1280×720): the 证书 → 签名密钥 tab and the
passphrase dialog printing opens when certificates wait to be signed.

    python tools/shoot_certkey.py [--lang zh_CN|en] [--out-dir DIR]

Seeds a demo database in a temp folder, issues one certificate while the key is locked (as one
earned on an officer's PC), and writes certificate-key[-en].png and key-unlock[-en].png.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
OUT = ROOT / "docs" / "screenshots"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", default="zh_CN")
    parser.add_argument("--out-dir", type=Path, default=OUT)
    args = parser.parse_args()
    from base.i18n import set_language
    from core import demo
    from core.access.actor import ANONYMOUS
    from core.certificates import usecases as cert
    from core.certificates.batch import Selection
    from core.certificates.keys import KeyLocked
    from core.infra.db import open_database
    from core.people import usecases as people

    set_language(args.lang)
    tmp = tempfile.mkdtemp(prefix="studyhall-shots-")
    os.environ["STUDYHALL_HOME"] = tmp
    db = open_database(f"sqlite:///{tmp}/demo.db")
    demo.seed(db)
    user = people.log_in(db, ANONYMOUS, demo.DEMO_ADMIN, demo.DEMO_PASSWORD)
    issued = cert.issue_certificate(db, user.actor, "200001", exam="警务纪律知识竞赛", score="96", award="一等奖")
    try:
        cert.print_certificates(db, user.actor, Selection(serials=(issued.serial,)), Path(tmp) / "x.pdf")
        message = ""
    except KeyLocked as exc:
        message = str(exc)

    from gui.app import make_app
    from gui.certs.keys import PassphraseDialog
    from gui.context import AppContext
    from gui.mainwindow import MainWindow
    from gui.pages.certificates import CertificatesPage
    from gui.tasks import TaskManager
    from tools.shoot_shell import settle

    app = make_app()
    tasks = TaskManager()
    window = MainWindow(AppContext(db, user, tasks))
    window.resize(1280, 720)
    window.show()
    settle(app, tasks)
    window.go("certificates")
    settle(app, tasks, rounds=100)
    page = window.findChild(CertificatesPage)
    assert page is not None
    page.tabs.setCurrentWidget(page.keys)
    settle(app, tasks, rounds=100)
    suffix = "" if args.lang == "zh_CN" else f"-{args.lang}"
    args.out_dir.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(args.out_dir / f"certificate-key{suffix}.png"))

    dialog = PassphraseDialog(window, "unlock", fingerprint=page.keys.fingerprint.text(), message=message)
    dialog.show()
    settle(app, tasks)
    dialog.fields[0].setText(demo.DEMO_PASSWORD)
    dialog.fields[0].deselect()
    settle(app, tasks)
    dialog.grab().save(str(args.out_dir / f"key-unlock{suffix}.png"))
    dialog.close()
    window.close()
    tasks.shutdown()
    print("written to", args.out_dir)
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)   # skip Python's finalisation of Qt objects (see gui.app.run_gui)
