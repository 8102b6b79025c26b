# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""``db upgrade | backup FILE | restore FILE``."""

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


def cmd_upgrade(args: argparse.Namespace) -> int:
    from core.infra.db import current_revision, make_engine, upgrade
    from core.infra.paths import default_db_url

    engine = make_engine(getattr(args, "db", None) or default_db_url())
    try:
        what = upgrade(engine)
        rev = current_revision(engine)
    finally:
        engine.dispose()
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

    counts = restore_database(*connect(args), args.file)
    emit(args, {"file": str(args.file), "rows": counts},
         _("已从 {f} 恢复（{n} 行）", f=args.file, n=sum(counts.values())))
    return 0
