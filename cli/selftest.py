# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""``--selftest``: prove a built bundle works: temp database, demo data, a Chinese PDF with rare hanzi,
and the PostgreSQL driver (the Linux bundle's psycopg C implementation over the system's libpq)."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

SELFTEST_TEXT = "学习园地自检：公安机关党建学习"
# Rare characters of names (CJK Unified Ideographs and Extension A) the subset certificate font must keep.
RARE_HANZI = "堃昇䶮"


def postgres_driver() -> tuple[bool, str]:
    """psycopg loads, with the implementation this build ships, and reads libpq's version.

    The Linux bundle carries psycopg's C implementation linked to the system's libpq (Debian's libpq5,
    tools/system_deps.sh); without libpq the import fails here. Elsewhere any implementation will do."""
    try:
        import psycopg
    except ImportError as exc:
        return False, f"psycopg not loaded ({exc})"
    impl = psycopg.pq.__impl__
    version = psycopg.pq.version()
    wanted = {"c"} if getattr(sys, "frozen", False) and sys.platform.startswith("linux") else {"c", "binary", "python"}
    return impl in wanted and version > 0, f"psycopg {impl}, libpq {version // 10000}.{version % 10000}"


def selftest() -> int:
    from core import demo
    from core.access.actor import ANONYMOUS
    from core.admin.usecases import load_demo
    from core.infra.db import open_database
    from core.infra.fonts import missing_glyphs, register_fonts, write_test_page
    from core.people.usecases import log_in

    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="studyhall-selftest-") as tmp:
        db = open_database(f"sqlite:///{Path(tmp) / 'selftest.db'}")
        steps = load_demo(db, ANONYMOUS)
        user = log_in(db, ANONYMOUS, "200001", demo.DEMO_PASSWORD)
        pdf = Path(tmp) / "selftest.pdf"
        write_test_page(pdf, SELFTEST_TEXT)
        data = pdf.read_bytes()
        sans, kai = register_fonts()
        lacking = missing_glyphs(SELFTEST_TEXT + RARE_HANZI, kai)
        db.dispose()
        driver_ok, driver = postgres_driver()
        ok = data.startswith(b"%PDF") and b"FontFile2" in data and not lacking and driver_ok
        print(f"selftest: {len(steps)} demo steps, login {user.badge} {user.name}, "
              f"PDF {len(data)} bytes, fonts embedded: {b'FontFile2' in data}, "
              f"glyphs missing: {''.join(lacking) or 'none'}, {driver}, "
              f"{time.perf_counter() - t0:.1f} s -> {'OK' if ok else 'FAILED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(selftest())
