# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Where things live: bundled resources and the user's data folder."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "StudyHall"


def resources_dir() -> Path:
    """``resources/`` next to the sources, or inside a PyInstaller bundle."""
    base = getattr(sys, "_MEIPASS", None)
    return Path(base) / "resources" if base else Path(__file__).resolve().parents[2] / "resources"


def data_dir() -> Path:
    """The per-user data folder (database, media, backups); ``STUDYHALL_HOME`` overrides it."""
    override = os.environ.get("STUDYHALL_HOME")
    if override:
        path = Path(override)
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_url() -> str:
    """``STUDYHALL_DB`` if set, else a SQLite file in the data folder."""
    return os.environ.get("STUDYHALL_DB") or f"sqlite:///{(data_dir() / 'studyhall.db').as_posix()}"


def media_dir() -> Path:
    path = data_dir() / "media"
    path.mkdir(parents=True, exist_ok=True)
    return path


def backups_dir() -> Path:
    """The automatic backups (core.admin.autobackup); not created until the first one is written."""
    return data_dir() / "backups"


def font_path(name: str) -> Path:
    return resources_dir() / "fonts" / name


UI_FONT = "wqy-microhei.ttc"
CERT_FONT = "LXGWWenKai-Regular.ttf"
