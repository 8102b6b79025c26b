# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The real app in a real X window (Xvfb + openbox), driven with keys and clicks by xdotool.

Runs ``python main.py --db <a copy of the demo>`` through tests/gui/xvfb_driver.py: login, one exam
answer, a backup from 设置 with its message closed, logout; fails if any dialog stays open. Skipped
only outside CI when xvfb-run, xdotool or openbox is missing (tools/system_deps.sh test installs them).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.demo import DEMO_PASSWORD
from core.infra.db import open_database
from core.models import AttemptItem

DRIVER = Path(__file__).with_name("xvfb_driver.py")
ROOT = DRIVER.parents[2]
TOOLS = ("xvfb-run", "xdotool", "openbox")

pytestmark = [pytest.mark.xvfb, pytest.mark.slow]


def test_login_answer_backup_logout_in_a_real_window(tmp_path: Path) -> None:
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        message = f"needs {', '.join(missing)} (Debian: xvfb xdotool openbox)"
        if os.environ.get("CI"):
            pytest.fail(message)            # CI installs them: never skip there
        pytest.skip(message)
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDYHALL_TEST")}
    env.update(HOME=str(home), STUDYHALL_HOME=str(home / "studyhall"), STUDYHALL_XVFB_SHOT=str(tmp_path / "failed.png"))
    # The demo as `python main.py demo` makes it, on today's clock (its exam in progress still runs).
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", url, "demo"], env=env, cwd=ROOT, check=True,
                   capture_output=True, timeout=300)
    started = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    done = subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1280x720x24", sys.executable, str(DRIVER), url,
                           DEMO_PASSWORD], env=env, capture_output=True, text=True, timeout=400)
    steps = [line for line in done.stdout.splitlines() if line.startswith("[xvfb]")]
    assert done.returncode == 0, "\n".join(steps) + f"\n(screen: {tmp_path / 'failed.png'})\n" + done.stderr[-3000:]
    assert steps[-1] == "[xvfb] administrator logged out"

    db = open_database(url)
    try:
        with db.transaction() as s:
            answered = s.scalar(select(func.count()).select_from(AttemptItem).where(AttemptItem.answered_at >= started))
        assert answered and answered >= 1                 # the keys reached the exam and were stored
    finally:
        db.dispose()
    backups = list(home.rglob("studyhall-*.zip"))
    assert len(backups) == 1 and backups[0].stat().st_size > 10_000
