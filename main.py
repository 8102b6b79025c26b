# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""StudyHall entry point: the GUI by default, CLI subcommands for scripted work.

Kept tiny on purpose: the GUI path imports only Qt before the login window is
shown; the database and everything else load in the background.
"""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    gui_options = argparse.ArgumentParser(add_help=False)
    gui_options.add_argument("--db")
    gui_options.add_argument("--lang", choices=["zh_CN", "en"])
    known, rest = gui_options.parse_known_args(argv)
    if rest:
        from cli import run

        return run(argv)
    from gui.app import run_gui

    return run_gui(db_url=known.db, lang=known.lang)


if __name__ == "__main__":
    sys.exit(main())
