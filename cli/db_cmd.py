# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""``db upgrade | backup FILE | restore FILE | backups | restore-auto NAME``.

``backup``/``restore`` write and read the portable zip (it moves a station to PostgreSQL);
``backups`` lists this database's automatic backups and ``restore-auto`` restores one of them."""

from __future__ import annotations

import argparse
from pathlib import Path

from base.i18n import _
from cli import connect, emit


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("db", help=_("数据库：升级、备份、恢复"), parents=[common])
    dbsub = p.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = dbsub.add_parser("upgrade", help=_("升级数据库结构（先自动备份）"), parents=[common])
    up.add_argument("--json", action="store_true")
    up.set_defaults(func=cmd_upgrade)
    b = dbsub.add_parser("backup", help=_("把整个数据库备份到文件"), parents=[common])
    b.add_argument("file", type=Path)
    b.add_argument("--with-secrets", action="store_true",
                   help=_("同时备份证书签名私钥（仍由其口令加密）；不加此项时备份只含公钥"))
    b.add_argument("--json", action="store_true")
    b.set_defaults(func=cmd_backup)
    r = dbsub.add_parser("restore", help=_("用备份文件替换整个数据库"), parents=[common])
    r.add_argument("file", type=Path)
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=cmd_restore)
    ls = dbsub.add_parser("backups", help=_("列出本数据库的自动备份"), parents=[common])
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_backups)
    ra = dbsub.add_parser("restore-auto", help=_("用一份自动备份替换整个数据库（先备份当前数据）"), parents=[common])
    ra.add_argument("name", help=_("自动备份的文件名（见 db backups）"))
    ra.add_argument("--json", action="store_true")
    ra.set_defaults(func=cmd_restore_auto)


def cmd_upgrade(args: argparse.Namespace) -> int:
    from core.infra.db import upgrade_database
    from core.infra.paths import default_db_url

    what, rev = upgrade_database(getattr(args, "db", None) or default_db_url())
    labels = {"created": _("已新建数据库"), "upgraded": _("已升级数据库"), "current": _("数据库已是最新版本")}
    emit(args, {"result": what, "revision": rev}, f"{labels[what]}（{rev}）")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from core.admin.usecases import backup_database

    counts = backup_database(*connect(args), args.file, with_secrets=args.with_secrets)
    note = (_("（含加密的证书签名私钥）") if args.with_secrets
            else _("（不含私钥：恢复到别的数据库后仍可核验证书，但要重新设置签名密钥才能签名）"))
    emit(args, {"file": str(args.file), "rows": counts, "with_secrets": args.with_secrets},
         _("已备份到 {f}（{n} 行）", f=args.file, n=sum(counts.values())) + note)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from core.admin.usecases import restore_database

    done = restore_database(*connect(args), args.file)
    emit(args, {"file": str(args.file), "rows": done.counts, "safety_backup": done.safety},
         _("已从 {f} 恢复（{n} 行）", f=args.file, n=done.rows) + _safety_note(done.safety))
    return 0


def cmd_backups(args: argparse.Namespace) -> int:
    from core.admin.usecases import list_auto_backups
    from core.infra.clock import LOCAL_TZ

    found = list_auto_backups(*connect(args))
    rows = [{"name": b.name, "created_at": b.created_at.isoformat(), "reason": b.reason, "size": b.size,
             "kind": b.kind, "revision": b.revision, "counts": b.counts, "problem": b.problem}
            for b in found.backups]

    def text() -> str:
        lines = [_("自动备份文件夹：{p}", p=found.folder)]
        if not found.automatic:
            lines.append(_("PostgreSQL 数据库不做自动备份（由数据库管理员定期备份）；这里只有恢复前留下的安全备份。"))
        if not found.backups:
            lines.append(_("还没有自动备份。"))
        for b in found.backups:
            when = b.created_at.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M:%S")
            lines.append(f"{b.name}  {when}  {b.reason_label}  {b.size / 1048576:.1f} MB  {b.summary}")
        return "\n".join(lines)

    emit(args, {"folder": str(found.folder), "automatic": found.automatic, "backups": rows}, text)
    return 0


def cmd_restore_auto(args: argparse.Namespace) -> int:
    from core.admin.usecases import restore_auto_backup

    done = restore_auto_backup(*connect(args), args.name)
    emit(args, {"name": args.name, "safety_backup": done.safety},
         _("已恢复自动备份 {f}", f=args.name) + _safety_note(done.safety))
    return 0


def _safety_note(path: Path | None) -> str:
    return _("；恢复前的数据已备份到 {p}", p=path) if path is not None else ""
