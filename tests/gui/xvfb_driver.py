# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Drive the real app in a real X window with keys and clicks (run under ``xvfb-run``).

    xvfb-run -a -s "-screen 0 1280x720x24" python tests/gui/xvfb_driver.py DB_URL DEMO_PASSWORD
    STUDYHALL_XVFB_APP=dist/studyhall/studyhall xvfb-run ...     # the same steps in the PyInstaller bundle

Starts openbox and ``python main.py --db DB_URL``, then, as a person would: the officer 200001
logs in, continues the unfinished exam and answers one question, logs out; the administrator
000001 logs in, 设置 → 备份数据库… → 保存, closes the success message with Enter and logs out.
After every step no window but the expected one may be open (a "请稍候" left behind fails).
Prints one line per step; exits 1 with the reason on the first failure.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = ""   # the demo password, from the command line


class Failed(Exception):
    pass


def xdo(*args: str) -> str:
    done = subprocess.run(["xdotool", *args], capture_output=True, text=True, timeout=30)
    return done.stdout.strip()


class Driver:
    def __init__(self, app: subprocess.Popen[bytes]) -> None:
        self.app = app

    def windows(self) -> dict[str, str]:
        """Visible top-level windows of the app: id -> title."""
        if self.app.poll() is not None:
            raise Failed(f"the app exited with {self.app.returncode}")
        ids = xdo("search", "--onlyvisible", "--pid", str(self.app.pid), "--name", ".").split()
        return {wid: xdo("getwindowname", wid) for wid in ids}

    def wait_for(self, title: str, timeout: float = 60.0) -> str:
        """The id of a visible window whose title contains ``title``."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for wid, name in self.windows().items():
                if title in name:
                    return wid
            time.sleep(0.3)
        raise Failed(f"no window “{title}” after {timeout:.0f} s; open: {sorted(self.windows().values())}")

    def wait_gone(self, title: str, timeout: float = 30.0) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if not any(title in name for name in self.windows().values()):
                return
            time.sleep(0.3)
        raise Failed(f"window “{title}” still open after {timeout:.0f} s")

    def only(self, *titles: str) -> None:
        """Fail unless exactly these windows are open (one per title)."""
        time.sleep(1.0)     # a progress dialog re-shown by a late poll would be back by now
        names = sorted(self.windows().values())
        if len(names) != len(titles) or not all(any(t in n for n in names) for t in titles):
            raise Failed(f"expected only {list(titles)}, open: {names}")

    def activate(self, wid: str) -> None:
        xdo("windowactivate", "--sync", wid)
        xdo("mousemove", "--window", wid, "5", "5")   # under no-WM rules focus follows a click; here just move

    def click(self, wid: str, x: int, y: int) -> None:
        xdo("mousemove", "--window", wid, str(x), str(y))
        xdo("click", "1")
        time.sleep(0.2)

    def keys(self, *keys: str) -> None:
        for key in keys:
            xdo("key", "--clearmodifiers", key)
            time.sleep(0.25)

    def type(self, text: str) -> None:
        xdo("type", "--delay", "40", text)

    def width(self, wid: str) -> int:
        geometry = xdo("getwindowgeometry", "--shell", wid)
        return int(dict(line.split("=") for line in geometry.splitlines())["WIDTH"])

    def log_in(self, badge: str) -> str:
        """Type badge and password; the 警号 field has the focus when the login window appears. Until the
        database has opened, 登录 does nothing: then try again (Shift+Tab back from 密码 to 警号)."""
        login = self.wait_for("登录")
        self.activate(login)
        self.click(login, 100, 100)                   # the banner: takes no focus, makes the window active
        end = time.monotonic() + 90
        back = []
        while True:
            self.keys(*back, "ctrl+a")
            self.type(badge)
            self.keys("Return", "ctrl+a")
            self.type(PASSWORD)
            self.keys("Return")
            try:
                return self.wait_for_exact("学习园地", timeout=10)
            except Failed:
                if time.monotonic() > end:
                    raise
                back = ["shift+Tab"]

    def wait_for_exact(self, title: str, timeout: float) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for wid, name in self.windows().items():
                if name == title:
                    return wid
            time.sleep(0.3)
        raise Failed(f"no window “{title}”; open: {sorted(self.windows().values())}")

    def log_out(self, main: str) -> None:
        self.activate(main)
        self.click(main, self.width(main) - 60, 28)        # 退出登录, the header's right end
        self.wait_for("登录")
        names = sorted(self.windows().values())
        if any(n == "学习园地" for n in names):
            raise Failed(f"the main window stayed open after 退出登录: {names}")


def step(text: str) -> None:
    print(f"[xvfb] {text}", flush=True)


def run(db_url: str) -> None:
    wm = subprocess.Popen(["openbox", "--sm-disable"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env["QT_QPA_PLATFORM"] = "xcb"
    # STUDYHALL_XVFB_APP: another build of the app to drive, e.g. the bundle (make bundle-smoke)
    command = os.environ.get("STUDYHALL_XVFB_APP", "").split() or [sys.executable, str(ROOT / "main.py")]
    app = subprocess.Popen([*command, "--db", db_url, "--lang", "zh_CN"], cwd=ROOT, env=env)
    d = Driver(app)
    try:
        main = d.log_in("200001")
        step("officer logged in")
        offer = d.wait_for("继续未完成的考试")
        d.activate(offer)
        d.keys("Return")                                 # 是: continue the unfinished exam
        exam = d.wait_for("道路交通")                     # the demo exam's title
        d.activate(exam)
        d.click(exam, 40, 300)                           # a click somewhere in the question first
        d.keys("a", "Right", "a")                        # answer, next question, answer
        time.sleep(1.5)                                  # fill-in answers are saved after 0.5 s
        step("exam answered")
        d.log_out(main)                                  # closes the exam window, answers kept
        d.only("登录")
        step("officer logged out")

        main = d.log_in("000001")
        step("administrator logged in")
        d.activate(main)
        d.click(main, 100, 80)                            # the sidebar's first entry
        d.keys("End", "Up", "Up")                         # …操作日志, 备份, 设置
        time.sleep(1)
        d.keys("alt+b")                                   # 备份数据库(B)…
        dialog = d.wait_for("备份数据库")
        d.activate(dialog)
        d.keys("Return")                                  # save under the suggested name
        message = d.wait_for("备份完成", timeout=120)
        d.activate(message)
        d.keys("Return")
        d.wait_gone("备份完成")
        d.only("学习园地")                                 # no “请稍候” left behind
        step("backup made, message closed")
        d.log_out(main)
        d.only("登录")
        step("administrator logged out")
    except Failed:
        shot = os.environ.get("STUDYHALL_XVFB_SHOT")
        if shot:
            from PIL import ImageGrab

            ImageGrab.grab(xdisplay=os.environ["DISPLAY"]).save(shot)   # what the screen showed
        raise
    finally:
        app.terminate()
        try:
            app.wait(10)
        except subprocess.TimeoutExpired:
            app.kill()
        wm.terminate()


if __name__ == "__main__":
    try:
        PASSWORD = sys.argv[2]
        run(sys.argv[1])
    except Failed as exc:
        print(f"[xvfb] FAILED: {exc}", flush=True)
        sys.exit(1)
