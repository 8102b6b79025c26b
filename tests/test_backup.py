# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Backup and restore give back every row, on SQLite and PostgreSQL, and a bad file changes nothing;
secrets stay out of a backup unless asked for, and a restore keeps the key material that is its own."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from base.errors import InvalidInput
from core import demo
from core.admin.backup import backup, restore
from core.certificates import usecases as cert
from core.demo import DEMO_PASSWORD
from core.infra.db import Database
from core.models import Officer, QuestionRow, Unit
from core.people.org import add_unit
from core.people.users import add_user
from tests.conftest import DEMO_ADMIN, actor_of


def _counts(db: Database) -> dict[str, int]:
    with db.transaction() as s:
        return {m.__tablename__: s.scalar(select(func.count()).select_from(m)) or 0
                for m in (Officer, QuestionRow, Unit)}


def test_round_trip_and_ids_continue(demo_db: Database, tmp_path: Path) -> None:
    before = _counts(demo_db)
    target = tmp_path / "backup.zip"
    rows = backup(demo_db, target)
    assert rows["officers"] == before["officers"] and rows["questions"] == before["questions"]
    with demo_db.transaction() as s:
        add_unit(s, "TMP", "临时支部", "branch")
    restored = restore(demo_db, target)
    assert restored == rows and _counts(demo_db) == before
    with demo_db.transaction() as s:  # sequences continue after restored ids (PostgreSQL)
        add_unit(s, "NEW", "新支部", "branch")
        add_user(s, badge="990099", name="新人", unit="NEW", password_hash="x")
    # The backup left the signing key's private part out; restored here, this database keeps its own.
    assert _rows(target, "signing_keys")[0]["private_key"] is None
    admin = actor_of(demo_db, DEMO_ADMIN)
    assert cert.key_status(demo_db, admin).can_sign
    assert cert.unlock_signing_key(demo_db, admin, DEMO_PASSWORD).unlocked
    cert.lock_signing_key(demo_db, admin)


def test_bad_backup_changes_nothing(demo_db: Database, tmp_path: Path) -> None:
    before = _counts(demo_db)
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("manifest.json", '{"studyhall_backup": 1, "revision": "other", "tables": []}')
    with pytest.raises(InvalidInput, match="版本"):
        restore(demo_db, bad)
    (tmp_path / "junk.zip").write_bytes(b"not a zip")
    with pytest.raises(InvalidInput, match="junk.zip"):
        restore(demo_db, tmp_path / "junk.zip")
    assert _counts(demo_db) == before


# --- secrets -------------------------------------------------------------------------------------

def _rows(path: Path, table: str) -> list[dict[str, object]]:
    with zipfile.ZipFile(path) as zf:
        return [json.loads(line) for line in zf.read(f"{table}.jsonl").decode("utf-8").splitlines()]


def _serials(db: Database) -> list[str]:
    from core.certificates.issue import list_certificates

    with db.transaction() as s:
        return [c.serial for c in list_certificates(s)]


def test_secrets_only_when_asked_and_a_restore_elsewhere_signs_only_with_them(demo_db: Database,
                                                                             tmp_path: Path) -> None:
    from core.certificates.verify import verify
    from core.models import SigningKey

    with demo_db.transaction() as s:
        key = s.scalars(select(SigningKey)).one()
        envelope, public = key.private_key, key.public_key
    plain, secret = tmp_path / "plain.zip", tmp_path / "secret.zip"
    backup(demo_db, plain)
    backup(demo_db, secret, with_secrets=True)
    assert [(r["public_key"], r["private_key"]) for r in _rows(plain, "signing_keys")] == [(public, None)]
    assert [(r["public_key"], r["private_key"]) for r in _rows(secret, "signing_keys")] == [(public, envelope)]
    assert _rows(plain, "secrets") == _rows(secret, "secrets") == []
    with zipfile.ZipFile(plain) as zf:
        assert json.loads(zf.read("manifest.json"))["secrets"] == "none"
        assert envelope is not None and all(envelope.encode() not in zf.read(n) for n in zf.namelist())
    serials = _serials(demo_db)
    demo.reset(demo_db)                                        # another PC's empty database
    restore(demo_db, plain)
    admin = actor_of(demo_db, DEMO_ADMIN)
    info = cert.key_status(demo_db, admin)
    assert info.present and not info.can_sign
    with demo_db.transaction() as s:                           # the public key came along
        assert all(verify(s, serial).status in ("genuine", "revoked") for serial in serials)
    with pytest.raises(InvalidInput, match="只有签名公钥"):
        cert.unlock_signing_key(demo_db, admin, DEMO_PASSWORD)
    new = cert.set_up_signing_key(demo_db, admin, "a passphrase of this PC")
    assert new.can_sign and new.retired == 1 and new.fingerprint != info.fingerprint
    cert.lock_signing_key(demo_db, admin)
    with demo_db.transaction() as s:
        assert all(verify(s, serial).status in ("genuine", "revoked") for serial in serials)

    demo.reset(demo_db)
    restore(demo_db, secret)
    admin = actor_of(demo_db, DEMO_ADMIN)
    assert cert.key_status(demo_db, admin).can_sign
    assert cert.unlock_signing_key(demo_db, admin, DEMO_PASSWORD).fingerprint == info.fingerprint
    cert.lock_signing_key(demo_db, admin)


# --- refusing what cannot be restored whole ------------------------------------------------------

def _fingerprint(db: Database) -> dict[str, tuple[int, str]]:
    """Row count and a checksum of every table (rows in primary-key order, as the driver gives them).

    ``banks.draw_token`` is left out: it is the database's stamp for the drawing cache, not content
    (PostgreSQL's insert triggers give each bank a new random one as a restore loads its questions)."""
    import hashlib

    from core.admin.backup_check import schema_tables

    out = {}
    with db.engine.connect() as conn:
        for table in schema_tables():
            keys = ", ".join(c.name for c in table.primary_key.columns)
            columns = ", ".join(f'"{c.name}"' for c in table.columns if (table.name, c.name) != ("banks", "draw_token"))
            rows = conn.exec_driver_sql(f'SELECT {columns} FROM "{table.name}" ORDER BY {keys}').all()
            out[table.name] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return out


@pytest.fixture(scope="session")
def good_backup(tmp_path_factory: pytest.TempPathFactory, _sqlite_templates: dict[str, Path]) -> Path:
    """A backup of the demo data (made once; it restores into either database)."""
    import shutil

    from core.infra.db import open_database

    folder = tmp_path_factory.mktemp("good-backup")
    shutil.copyfile(_sqlite_templates["demo"], folder / "demo.db")
    db = open_database(f"sqlite:///{folder / 'demo.db'}")
    backup(db, folder / "good.zip")
    db.dispose()
    return folder / "good.zip"


@pytest.fixture(scope="session")
def malformed(good_backup: Path, tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """The malformed zip of a case of MALFORMED, built once."""
    built: dict[str, Path] = {}

    def get(case: str) -> Path:
        if case not in built:
            folder = tmp_path_factory.mktemp("malformed")
            built[case] = MALFORMED[case][0](good_backup, folder)
        return built[case]

    return get


def _rewrite(source: Path, target: Path, change: dict[str, bytes | None], *,
             extra: dict[str, bytes] | None = None) -> Path:
    """A copy of the zip ``source`` with members replaced (None: left out) and others added."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in change:
                if change[info.filename] is not None:
                    zout.writestr(info.filename, change[info.filename])  # type: ignore[arg-type]
            else:
                zout.writestr(info.filename, zin.read(info.filename))
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    return target


def _lines(path: Path, member: str) -> list[bytes]:
    with zipfile.ZipFile(path) as zf:
        return zf.read(member).splitlines(keepends=True)


def _edit_line(path: Path, member: str, line: int, **values: object) -> bytes:
    lines = _lines(path, member)
    row = json.loads(lines[line - 1])
    row.update(values)
    lines[line - 1] = json.dumps(row, ensure_ascii=False).encode("utf-8") + b"\n"
    return b"".join(lines)


def _manifest(path: Path, **values: object) -> bytes:
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    manifest.update(values)
    return json.dumps(manifest).encode("utf-8")


def _bomb(good: Path, tmp: Path) -> Path:
    # 40 MB of zeros deflate to ~40 KB: refused from the central directory, before inflating a byte.
    target = tmp / "bomb.zip"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename == "attempts.jsonl":
                with zout.open("attempts.jsonl", "w") as fh:
                    for _ in range(40):
                        fh.write(b"\0" * (1 << 20))
            else:
                zout.writestr(info.filename, zin.read(info.filename))
    return target


MALFORMED = {
    # case: (build the zip from a good one, what the message must say)
    "truncated table": (lambda g, t: _rewrite(g, t / "z.zip", {"attempt_items.jsonl": b"".join(
        _lines(g, "attempt_items.jsonl")[:100])}), ["attempt_items.jsonl", "文件不完整"]),
    "missing table file": (lambda g, t: _rewrite(g, t / "z.zip", {"questions.jsonl": None}),
                           ["缺少 questions.jsonl"]),
    "bad JSON line": (lambda g, t: _rewrite(g, t / "z.zip", {"officers.jsonl": b"".join(
        [*_lines(g, "officers.jsonl")[:2], b'{"id": 3, "badge": \n', *_lines(g, "officers.jsonl")[3:]])}),
        ["officers.jsonl 第 3 行", "JSON"]),
    "bad date": (lambda g, t: _rewrite(g, t / "z.zip", {"attempts.jsonl": _edit_line(
        g, "attempts.jsonl", 2, started_at="2026-13-45T08:00:00+00:00")}),
        ["attempts.jsonl 第 2 行，列 started_at", "2026-13-45"]),
    "date without time zone": (lambda g, t: _rewrite(g, t / "z.zip", {"attempts.jsonl": _edit_line(
        g, "attempts.jsonl", 4, submitted_at="2026-10-01T08:00:00")}), ["attempts.jsonl 第 4 行，列 submitted_at"]),
    "bad UUID": (lambda g, t: _rewrite(g, t / "z.zip", {"attempt_items.jsonl": _edit_line(
        g, "attempt_items.jsonl", 7, attempt_id="not-a-uuid")}), ["attempt_items.jsonl 第 7 行，列 attempt_id"]),
    "null in a NOT NULL column": (lambda g, t: _rewrite(g, t / "z.zip", {"units.jsonl": _edit_line(
        g, "units.jsonl", 2, name=None)}), ["units.jsonl 第 2 行，列 name", "不能为空"]),
    "text too long": (lambda g, t: _rewrite(g, t / "z.zip", {"units.jsonl": _edit_line(
        g, "units.jsonl", 1, code="X" * 500)}), ["units.jsonl 第 1 行，列 code"]),
    "unknown column": (lambda g, t: _rewrite(g, t / "z.zip", {"banks.jsonl": _edit_line(
        g, "banks.jsonl", 1, colour="red")}), ["banks.jsonl 第 1 行，列 colour"]),
    "broken foreign key": (lambda g, t: _rewrite(g, t / "z.zip", {"attempts.jsonl": _edit_line(
        g, "attempts.jsonl", 5, officer_id=999999)}), ["attempts.jsonl 第 5 行，列 officer_id", "officers"]),
    "duplicate key": (lambda g, t: _rewrite(g, t / "z.zip", {"banks.jsonl": b"".join(
        [*_lines(g, "banks.jsonl")[:1], *_lines(g, "banks.jsonl")[1:]] + _lines(g, "banks.jsonl")[:1]),
        "manifest.json": _manifest(g, counts={**json.loads(zipfile.ZipFile(g).read("manifest.json"))["counts"],
                                              "banks": len(_lines(g, "banks.jsonl")) + 1})}),
        ["banks.jsonl 第"]),
    "wrong revision": (lambda g, t: _rewrite(g, t / "z.zip", {"manifest.json": _manifest(g, revision="0001")}),
                       ["manifest.json", "版本（0001）"]),
    "wrong format version": (lambda g, t: _rewrite(g, t / "z.zip", {"manifest.json": _manifest(
        g, studyhall_backup=7)}), ["备份格式版本 7"]),
    "table list not the schema's": (lambda g, t: _rewrite(g, t / "z.zip", {"manifest.json": _manifest(
        g, tables=["units", "officers"])}), ["manifest.json", "缺少数据表"]),
    "zip bomb": (lambda g, t: _bomb(g, t), ["attempts.jsonl", "压缩比异常"]),
    "path traversal": (lambda g, t: _rewrite(g, t / "z.zip", {}, extra={"../../evil.sh": b"rm -rf ~"}),
                       ["文件路径不安全：../../evil.sh"]),
    "absolute path": (lambda g, t: _rewrite(g, t / "z.zip", {}, extra={"/etc/cron.d/x": b"x"}), ["路径不安全"]),
    "stray member": (lambda g, t: _rewrite(g, t / "z.zip", {}, extra={"readme.txt": b"hi"}),
                     ["不属于备份的文件：readme.txt"]),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_malformed_backup_is_refused_with_its_place_and_changes_nothing(demo_db: Database, case: str,
                                                                         malformed: Callable[[str], Path]) -> None:
    from core.admin.backup_check import BackupRefused
    from core.admin.usecases import restore_database

    expected = MALFORMED[case][1]
    bad = malformed(case)
    with demo_db.transaction() as s:              # a change after the backup, which must survive
        add_unit(s, "TMP", "临时支部", "branch")
    before = _fingerprint(demo_db)
    with pytest.raises(InvalidInput) as refused:
        restore_database(demo_db, actor_of(demo_db, DEMO_ADMIN), bad)
    message = str(refused.value)
    assert isinstance(refused.value, BackupRefused) and message.startswith(f"无法恢复 {bad.name}（数据库未作任何改动）")
    for part in expected:
        assert part in message, message
    assert "\n" not in message
    assert _fingerprint(demo_db) == before
    from core.admin import autobackup

    made = autobackup.list_backups(autobackup.folder_for(demo_db))
    if case in ("broken foreign key", "duplicate key"):    # found by the database, after the safety copy
        assert [b.reason for b in made] == ["restore"]
    else:                                                   # found by reading the zip, before anything
        assert made == []


def test_limits_on_sizes_and_lines(demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   good_backup: Path) -> None:
    """A member too big in all, or a line too long (the 2 GB line), is refused without reading it all."""
    from core.admin import backup_check

    good = good_backup
    before = _fingerprint(demo_db)
    monkeypatch.setattr(backup_check, "MAX_TOTAL_BYTES", 1 << 20)
    with pytest.raises(InvalidInput, match="超过上限"):
        restore(demo_db, good)
    monkeypatch.undo()
    long_line = _rewrite(good, tmp_path / "long.zip", {"materials.jsonl": _edit_line(
        good, "materials.jsonl", 1, body_text="长" * 300_000)})
    monkeypatch.setattr(backup_check, "MAX_LINE_BYTES", 512 << 10)
    read: list[int] = []
    real = zipfile.ZipExtFile.readline

    def readline(self: zipfile.ZipExtFile, limit: int = -1) -> bytes:
        read.append(limit)
        return real(self, limit)

    monkeypatch.setattr(zipfile.ZipExtFile, "readline", readline)
    with pytest.raises(InvalidInput, match="materials.jsonl 第 1 行：这一行超过 512.0 KB"):
        restore(demo_db, long_line)
    assert read and all(0 < n <= (512 << 10) + 1 for n in read)      # never an unbounded read
    assert _fingerprint(demo_db) == before


def test_rows_of_a_table_referring_to_itself_load_in_any_order(demo_db: Database, tmp_path: Path,
                                                               good_backup: Path) -> None:
    restore(demo_db, good_backup)
    before = _fingerprint(demo_db)
    units = _lines(good_backup, "units.jsonl")
    assert json.loads(units[1])["parent_id"] == json.loads(units[0])["id"]
    shuffled = _rewrite(good_backup, tmp_path / "children-first.zip", {"units.jsonl": b"".join(reversed(units))})
    restore(demo_db, shuffled)
    assert _fingerprint(demo_db) == before


def test_references_are_checked_before_the_commit_even_with_foreign_keys_off(sqlite_demo_db: Database,
                                                                            tmp_path: Path, good_backup: Path) -> None:
    """SQLite checks a reference on insert only where the connection turned foreign keys on; the
    restore checks every one once more before committing."""
    from sqlalchemy import event

    db = sqlite_demo_db
    good = good_backup
    bad = _rewrite(good, tmp_path / "bad.zip", {"attempts.jsonl": _edit_line(good, "attempts.jsonl", 9,
                                                                             quiz_id=4242)})
    before = _fingerprint(db)

    @event.listens_for(db.engine, "connect")
    def _no_foreign_keys(dbapi_conn: object, _record: object) -> None:
        dbapi_conn.execute("PRAGMA foreign_keys=OFF")  # type: ignore[attr-defined]

    db.engine.dispose()
    with pytest.raises(InvalidInput, match="attempts.jsonl 第 9 行，列 quiz_id：引用的 quizzes 中没有对应的记录"):
        restore(db, bad)
    assert _fingerprint(db) == before


def test_an_automatic_backup_given_to_db_restore_says_where_it_goes(sqlite_demo_db: Database, tmp_path: Path) -> None:
    from core.admin import autobackup

    made = autobackup.before_risky(sqlite_demo_db, autobackup.Reason.MANUAL, sqlite_demo_db.clock)
    assert made is not None
    with pytest.raises(InvalidInput, match="restore-auto"):
        restore(sqlite_demo_db, made.path)


def test_a_restore_leaves_a_safety_backup_that_undoes_it(demo_db: Database, good_backup: Path) -> None:
    from core.admin import autobackup
    from core.admin.usecases import list_auto_backups, restore_auto_backup, restore_database

    good = good_backup
    with demo_db.transaction() as s:
        add_unit(s, "TMP", "临时支部", "branch")
    changed = _fingerprint(demo_db)
    admin = actor_of(demo_db, DEMO_ADMIN)
    done = restore_database(demo_db, admin, good)
    assert done.safety is not None and done.safety.exists()
    assert done.safety.parent == autobackup.folder_for(demo_db)
    assert _counts(demo_db)["units"] == changed["units"][0] - 1
    listed = list_auto_backups(demo_db, admin)
    assert [b.name for b in listed.backups] == [done.safety.name]
    assert listed.backups[0].reason == "restore" and listed.backups[0].reason_label == "恢复前"
    assert listed.backups[0].counts["officers"] == changed["officers"][0]
    assert listed.automatic == demo_db.is_sqlite
    assert listed.backups[0].kind == ("sqlite" if demo_db.is_sqlite else "portable")
    # The safety copy brings back what the restore replaced (and is itself preceded by one).
    admin = actor_of(demo_db, DEMO_ADMIN)
    undone = restore_auto_backup(demo_db, admin, done.safety.name)
    assert undone.safety is not None and undone.safety != done.safety
    after = _fingerprint(demo_db)
    skip = {"audit_log", "login_throttle"}      # the restores are logged in the restored data
    assert {k: v for k, v in after.items() if k not in skip} == {k: v for k, v in changed.items() if k not in skip}
