# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Importing question banks (issues 3 and 19): parse + validate + store, next to raw floors and a peer.

The timed import is the ``import_files`` use case the CLI calls, as an administrator
(permission check included), into its own empty, migrated SQLite database each time.

* ``bank.import.xlsx.10k`` (issue 3): short generated rows (kept for continuity); floor:
  python-calamine reading the file plus one ``executemany`` of its rows into SQLite.
* ``bank.import.xlsx.10k.real`` / ``.100k.real`` (issue 19): realistic rows (about 200 Chinese
  characters, six options, explanations: :mod:`bench.workloads._realistic`) in an .xlsx with a
  shared-strings table, against the same floor; the 100,000-row import's peak RSS is measured in a
  fresh process.
* ``bank.import.csv.10k.real`` (issue 19): the same rows as CSV, against Anki's own CSV import of
  them (the PyPI ``anki`` package, an optional peer: ``pip install .[bench]``); without it the row
  says so and has no verdict.
"""

from __future__ import annotations

import importlib.util
import itertools
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.harness import ROOT, Workload
from bench.workloads import _realistic

HEADER = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "答案", "解析", "分类", "难度"]
_WORDS = ["道路交通安全法", "人民警察", "执法规范化", "党风廉政建设", "治安管理处罚", "机动车驾驶人", "社区警务",
          "网络安全", "反诈宣传", "消防安全", "群众路线", "纪律作风"]


def generate(path: Path, n: int) -> Path:
    """``n`` questions over all five types, Chinese text, unique stems (openpyxl write-only)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("题库")
    ws.append(HEADER)
    for i in range(n):
        w = _WORDS[i % len(_WORDS)]
        w2 = _WORDS[(i * 7 + 3) % len(_WORDS)]
        kind = i % 5
        stem = f"第{i + 1}题：根据{w}的有关规定，关于{w2}的下列说法中，哪一项是正确的？"
        opts = [f"{w}要求的第{k}种做法（编号{i}-{k}）" for k in range(1, 5)]
        expl = f"本题考查{w}与{w2}的基本要求。"
        if kind == 0:
            row = ["单选题", stem, *opts, "ABCD"[i % 4]]
        elif kind == 1:
            row = ["多选题", stem, *opts, "ABD" if i % 2 else "AC"]
        elif kind == 2:
            row = ["判断题", f"第{i + 1}题：{w}规定{w2}必须依法进行。", "", "", "", "", "正确" if i % 2 else "错误"]
        elif kind == 3:
            fill = f"第{i + 1}题：{w}是（ ）的重要内容，也是（ ）的基础。"
            row = ["填空题", fill, "", "", "", "", f"{w}；{w2}/基础工作"]
        else:
            row = ["简答题", f"第{i + 1}题：简述{w}对{w2}工作的要求。", "", "", "", "", f"{w}要求依法、规范、文明。"]
        ws.append([*row, expl, w, ("简单", "中等", "困难")[i % 3]])
    wb.save(str(path))
    return path


REPEAT = 5


def _add_admin(db: Any) -> Any:
    """An administrator account in ``db`` (outside the timing); returns them as the acting user."""
    from core.access.actor import Actor
    from core.infra.clock import utcnow
    from core.models import Officer, Unit

    with db.transaction() as s:
        unit = Unit(code="BENCH", name="基准单位", kind="branch")
        s.add(unit)
        s.flush()
        admin = Officer(badge="000001", name="基准管理员", unit_id=unit.id, role="admin", password_hash="x",
                        created_at=utcnow())
        s.add(admin)
        s.flush()
        return Actor.user(admin.id, "admin", unit.id, badge=admin.badge)


def _prepare(n: int, path: Path | None = None, repeat: int = REPEAT) -> dict[str, Any]:
    """Fresh databases for ``repeat`` timed imports of ``path`` (default: a generated short-row file)."""
    from core.infra.db import open_database

    folder = Path(tempfile.mkdtemp(prefix="studyhall-bench-"))
    path = path if path is not None else generate(folder / f"bank-{n}.xlsx", n)
    db = open_database(f"sqlite:///{folder / 'studyhall.db'}")
    actor = _add_admin(db)
    # Like the floor, every timed import starts from the same state: its own empty, migrated
    # database (copied and opened here, outside the timing), not one that grew with earlier runs.
    db.dispose()
    fresh = []
    for i in range(repeat):
        copy = folder / f"run-{i}.db"
        shutil.copyfile(folder / "studyhall.db", copy)
        fresh.append(open_database(f"sqlite:///{copy}"))
    return {"folder": folder, "path": path, "db": db, "fresh": fresh, "counter": itertools.count(), "n": n,
            "actor": actor}


def _run(state: dict[str, Any]) -> float:
    """Seconds until the import returns (stored and committed). The WAL copy it leaves to a helper
    thread (core.infra.db.Checkpointer) is waited for afterwards, outside the timing, so that it does
    not slow the floor measured next."""
    from core.bank import usecases as bank

    db = state["fresh"].pop() if state["fresh"] else state["db"]
    t0 = time.perf_counter()
    report = bank.import_files(db, state["actor"], [state["path"]], bank=f"bench-{next(state['counter'])}",
                               media_store=state["folder"])
    elapsed = time.perf_counter() - t0
    db.settle()
    if report.imported != state["n"] or not report.stored:
        raise RuntimeError(f"bench import stored {report.imported} of {state['n']}: {report.summary()}")
    return elapsed


def _floor(state: dict[str, Any]) -> float:
    from python_calamine import CalamineWorkbook

    t0 = time.perf_counter()
    wb = CalamineWorkbook.from_path(str(state["path"]))
    rows = wb.get_sheet_by_index(0).to_python()[1:]
    conn = sqlite3.connect(state["folder"] / f"floor-{next(state['counter'])}.db")
    conn.execute("PRAGMA journal_mode=WAL")
    width = len(rows[0]) if rows else 1
    conn.execute(f"CREATE TABLE q ({', '.join(f'c{i} TEXT' for i in range(width))})")
    with conn:
        conn.executemany(f"INSERT INTO q VALUES ({', '.join('?' * width)})", [tuple(r[:width]) for r in rows])
    conn.close()      # the last connection: SQLite copies the WAL into the file here
    return time.perf_counter() - t0


def _cleanup(state: dict[str, Any]) -> None:
    state["db"].dispose()
    for db in state["fresh"]:
        db.dispose()
    shutil.rmtree(state["folder"], ignore_errors=True)


_MEMORY_SCRIPT = """
import resource, sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from core.access.actor import Actor
from core.infra.db import open_database
from core.bank import usecases as bank


def peak_kb():
    # VmHWM is this process's own peak. ru_maxrss is not: Linux carries the parent's peak over the
    # exec of a child started with vfork (as subprocess does), so a big bench process showed as its
    # own fresh child's peak.
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


db = open_database("sqlite:///" + {db!r})
actor = Actor.user({user_id!r}, "admin", {unit_id!r}, badge={badge!r})
before = peak_kb()
t0 = time.perf_counter()
report = bank.import_files(db, actor, [Path({path!r})], bank="memory", media_store=Path({folder!r}))
elapsed = time.perf_counter() - t0
after = peak_kb()
print(report.imported, before, after, elapsed)
"""


def _subprocess_import(state: dict[str, Any], path: Path) -> tuple[int, float, float, float]:
    """(imported, peak RSS MB before, peak RSS MB after, seconds) of one import in a fresh interpreter,
    into a copy of the prepared database (existing, as a secretary's is: not created by that process)."""
    db = state["folder"] / f"mem-{next(state['counter'])}.db"
    shutil.copyfile(state["folder"] / "studyhall.db", db)
    actor = state["actor"]
    script = _MEMORY_SCRIPT.format(root=str(ROOT), db=str(db), path=str(path), folder=str(state["folder"]),
                                   user_id=actor.user_id, unit_id=actor.unit_id, badge=actor.badge)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split()
    return int(out[0]), int(out[1]) / 1024, int(out[2]) / 1024, float(out[3])


def _extra(state: dict[str, Any]) -> dict[str, str]:
    imported, before, after, _s = _subprocess_import(state, state["path"])
    notes = {"peak RSS (10k import, fresh process)": f"{after:.0f} MB (start {before:.0f} MB)"}
    t0 = time.perf_counter()
    big = generate(state["folder"] / "bank-100000.xlsx", 100_000)
    gen = time.perf_counter() - t0
    imported, before, after, seconds = _subprocess_import(state, big)
    floor = _floor({**state, "path": big})
    notes["100k rows"] = (f"{seconds:.2f} s for {imported} questions (floor {floor:.2f} s, "
                          f"{seconds / floor:.2f}×), peak RSS {after:.0f} MB; file generated in {gen:.1f} s")
    return notes


# --- realistic rows (issue 19) ---------------------------------------------------------------

REPEAT_100K = 3
RSS_LIMIT_MB = 250
_PEAK_MB: dict[str, float] = {}   # the 100k import's peak RSS (fresh process), for its verdict


def _prepare_real(n: int, kind: str, repeat: int = REPEAT) -> dict[str, Any]:
    path = _realistic.xlsx(n) if kind == "xlsx" else _realistic.csv_file(n)
    return _prepare(n, path, repeat)


def _prepare_real_100k() -> dict[str, Any]:
    state = _prepare_real(100_000, "xlsx", REPEAT_100K)
    imported, _before, peak, seconds = _subprocess_import(state, state["path"])
    if imported != 100_000:
        raise RuntimeError(f"the fresh-process import stored {imported} of 100000")
    _PEAK_MB["100k"] = state["peak_mb"] = peak
    state["fresh_seconds"] = seconds
    return state


def _extra_100k(state: dict[str, Any]) -> dict[str, str]:
    return {"peak RSS (fresh process)": f"{state['peak_mb']:.0f} MB (target ≤ {RSS_LIMIT_MB} MB)",
            "fresh-process import": f"{state['fresh_seconds']:.2f} s"}


def _meets_100k(median: float, floor: float | None) -> bool:
    return floor is not None and median <= 1.5 * floor and _PEAK_MB.get("100k", float("inf")) <= RSS_LIMIT_MB


ANKI = importlib.util.find_spec("anki") is not None


def _prepare_csv() -> dict[str, Any]:
    state = _prepare_real(10_000, "csv")
    if ANKI:
        # Each timed Anki import gets its own new collection (opened here, outside the timing), with a
        # note type holding every column (题干 first: Anki's sort and duplicate field).
        state["anki"] = [_anki_collection(state["folder"] / f"anki-{i}", state["path"]) for i in range(REPEAT)]
    return state


def _anki_collection(folder: Path, path: Path) -> tuple[Any, Any]:
    from anki.collection import Collection
    from anki.import_export_pb2 import CsvMetadata

    folder.mkdir()
    col = Collection(str(folder / "collection.anki2"))
    models = col.models
    notetype = models.new("StudyHall")
    order = [1, 0, *range(2, len(_realistic.HEADER))]     # 题干, 题型, 选项A…, as a user maps them
    for k in order:
        models.add_field(notetype, models.new_field(_realistic.HEADER[k]))
    template = models.new_template("Card 1")
    template["qfmt"], template["afmt"] = "{{题干}}", "{{答案}}"
    models.add_template(notetype, template)
    models.add(notetype)
    metadata = col.get_csv_metadata(str(path), CsvMetadata.Delimiter.COMMA)
    notetype_id = models.id_for_name("StudyHall")
    assert notetype_id is not None
    metadata.global_notetype.id = notetype_id
    del metadata.global_notetype.field_columns[:]
    metadata.global_notetype.field_columns.extend(k + 1 for k in order)   # 1-based CSV columns
    metadata.deck_id = 1
    return col, metadata


def _anki_import(state: dict[str, Any]) -> float:
    from anki.import_export_pb2 import ImportCsvRequest

    col, metadata = state["anki"].pop()
    t0 = time.perf_counter()
    log = col.import_csv(ImportCsvRequest(path=str(state["path"]), metadata=metadata))
    # Anki has no "first row is a header" option for a plain CSV: its header row becomes one more note.
    if len(log.log.new) != state["n"] + 1:
        raise RuntimeError(f"Anki imported {len(log.log.new)} notes of {state['n'] + 1}")
    col.close()
    return time.perf_counter() - t0


def _cleanup_csv(state: dict[str, Any]) -> None:
    for col, _metadata in state.get("anki", []):
        col.close()
    _cleanup(state)


def _extra_csv(state: dict[str, Any]) -> dict[str, str]:
    if not ANKI:
        return {"peer": "peer not installed (pip install .[bench] adds the anki package)"}
    from importlib.metadata import version

    return {"peer": f"anki {version('anki')} import_csv into a new collection (12-field note type)"}


WORKLOADS = [
    Workload(
        name="bank.import.xlsx.10k",
        issue=3,
        description="import a generated 10,000-question .xlsx (parse + validate + store, SQLite)",
        floor_description="python-calamine read + one executemany into SQLite",
        target="≤ 1.5× floor",
        prepare=lambda: _prepare(10_000),
        run=_run,
        self_measured=True,     # run and floor time themselves (see _run)
        floor=_floor,
        cleanup=_cleanup,
        extra=_extra,
        repeat=REPEAT,
        meets=lambda median, floor: floor is not None and median <= 1.5 * floor,
    ),
    Workload(
        name="bank.import.xlsx.10k.real",
        issue=19,
        description="import 10,000 realistic rows (~200 Chinese characters, 6 options) from a shared-strings .xlsx",
        floor_description="python-calamine read + one executemany into SQLite",
        target="≤ 1.5× floor",
        prepare=lambda: _prepare_real(10_000, "xlsx"),
        run=_run,
        self_measured=True,     # run and floor time themselves (see _run)
        floor=_floor,
        cleanup=_cleanup,
        repeat=REPEAT,
        meets=lambda median, floor: floor is not None and median <= 1.5 * floor,
    ),
    Workload(
        name="bank.import.csv.10k.real",
        issue=19,
        description="import the same 10,000 realistic rows from a UTF-8 .csv",
        floor_description="peer: Anki's CSV import of the same file" if ANKI else "peer: Anki (not installed)",
        target="≤ 0.5× Anki",
        prepare=_prepare_csv,
        run=_run,
        self_measured=True,     # run and floor time themselves (see _run)
        floor=_anki_import if ANKI else None,
        cleanup=_cleanup_csv,
        extra=_extra_csv,
        repeat=REPEAT,
        meets=(lambda median, floor: floor is not None and median <= 0.5 * floor) if ANKI else None,
    ),
    Workload(
        name="bank.import.xlsx.100k.real",
        issue=19,
        description="import 100,000 realistic rows from a shared-strings .xlsx",
        floor_description="python-calamine read + one executemany into SQLite",
        target=f"≤ 1.5× floor, peak RSS ≤ {RSS_LIMIT_MB} MB",
        prepare=_prepare_real_100k,
        run=_run,
        self_measured=True,     # run and floor time themselves (see _run)
        floor=_floor,
        cleanup=_cleanup,
        extra=_extra_100k,
        repeat=REPEAT_100K,
        meets=_meets_100k,
    ),
]
