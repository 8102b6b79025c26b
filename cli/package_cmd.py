# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""``package``: signed exam and results packages for offline PCs (数据交换).

``package key create --name N`` (administrator, once per PC), ``package key show``, ``package trust
--name N --key KEY`` or ``package signer FILE`` (who signed a package, to compare its fingerprint),
``package export-exam --quiz ID [--unit U] --out F``, ``package export-results [--since last|DATE]
--out F``, ``package import F [--dry-run] [--passwords slips.pdf]``, ``package history``.

The exchange key's passphrase comes from the prompt, or ``STUDYHALL_EXCHANGE_PASSPHRASE`` in scripts.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from base.i18n import _
from cli import connect, emit, read_secret

if TYPE_CHECKING:
    from core.exchange.usecases import Exported, ImportPreview, InstallationInfo

PASS_ENV = "STUDYHALL_EXCHANGE_PASSPHRASE"


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("package", help=_("数据交换：离线电脑的考试包与成绩包"), parents=[common])
    psub = p.add_subparsers(dest="package_command", metavar="ACTION", required=True)

    key = psub.add_parser("key", help=_("本机数据交换密钥"), parents=[common])
    ksub = key.add_subparsers(dest="key_command", metavar="ACTION", required=True)
    kc = ksub.add_parser("create", help=_("创建本机数据交换密钥（管理员，每台电脑一次）"), parents=[common])
    kc.add_argument("--name", required=True, help=_("本机名称，例如“城关派出所值班室”"))
    kc.add_argument("--json", action="store_true")
    kc.set_defaults(func=cmd_key_create)
    ks = ksub.add_parser("show", help=_("显示本机公钥与指纹（供对方信任）"), parents=[common])
    ks.add_argument("--json", action="store_true")
    ks.set_defaults(func=cmd_key_show)

    tr = psub.add_parser("trust", help=_("信任另一台电脑的数据交换公钥（管理员，先核对指纹）"), parents=[common])
    tr.add_argument("--name", required=True, help=_("对方电脑的名称"))
    tr.add_argument("--key", required=True, help=_("对方的公钥（package key show 显示的一行）"))
    tr.add_argument("--json", action="store_true")
    tr.set_defaults(func=cmd_trust)
    sg = psub.add_parser("signer", help=_("显示数据包由哪台电脑签名（名称、指纹、公钥）"), parents=[common])
    sg.add_argument("file", type=Path)
    sg.add_argument("--json", action="store_true")
    sg.set_defaults(func=cmd_signer)

    ee = psub.add_parser("export-exam", help=_("为离线电脑导出考试包"), parents=[common])
    ee.add_argument("--quiz", type=int, required=True, help=_("试卷编号"))
    ee.add_argument("--unit", help=_("只带此单位及下级单位的人员（默认：试卷的参考范围）"))
    ee.add_argument("--out", type=Path, required=True)
    ee.add_argument("--json", action="store_true")
    ee.set_defaults(func=cmd_export_exam)
    er = psub.add_parser("export-results", help=_("导出本机的成绩包（交回支部）"), parents=[common])
    er.add_argument("--since", help=_("last（上次导出成绩包之后）或日期时间 YYYY-MM-DD[THH:MM]；默认全部"))
    er.add_argument("--out", type=Path, required=True)
    er.add_argument("--json", action="store_true")
    er.set_defaults(func=cmd_export_results)

    im = psub.add_parser("import", help=_("导入数据包（先检查签名与内容，全部导入或不导入）"), parents=[common])
    im.add_argument("file", type=Path)
    im.add_argument("--dry-run", action="store_true", help=_("只显示将新增、更新的内容和冲突，不导入"))
    im.add_argument("--passwords", type=Path, metavar="FILE.pdf", help=_("新人员的初始密码单写入此文件"))
    im.add_argument("--json", action="store_true")
    im.set_defaults(func=cmd_import)
    hi = psub.add_parser("history", help=_("数据包交换记录"), parents=[common])
    hi.add_argument("--json", action="store_true")
    hi.set_defaults(func=cmd_history)


def _info_json(i: InstallationInfo) -> dict[str, Any]:
    return {"name": i.name, "fingerprint": i.fingerprint, "public_key": i.public_key, "own": i.own,
            "trusted": i.trusted}


def _info_text(i: InstallationInfo) -> str:
    return _("{n}\n  指纹：{f}\n  公钥：{k}", n=i.name, f=i.fingerprint, k=i.public_key)


def cmd_key_create(args: argparse.Namespace) -> int:
    from core.exchange.usecases import create_exchange_key

    db, actor = connect(args)
    passphrase = read_secret(_("为数据交换密钥设置口令（至少 8 位）："), PASS_ENV,
                             _("请在提示时输入数据交换密钥的口令，或为脚本设置环境变量 {env}", env=PASS_ENV),
                             confirm=True)
    made = create_exchange_key(db, actor, args.name, passphrase)
    emit(args, _info_json(made), lambda: _("已创建本机数据交换密钥：") + _info_text(made))
    return 0


def cmd_key_show(args: argparse.Namespace) -> int:
    from base.errors import NotFound
    from core.exchange.usecases import overview

    seen = overview(*connect(args))
    if seen.own is None:
        raise NotFound(_("本机还没有数据交换密钥，请管理员先运行 package key create"))
    own = seen.own
    emit(args, {**_info_json(own), "unlocked": seen.unlocked,
                "trusted": [_info_json(o) for o in seen.others if o.trusted]},
         lambda: "\n".join([_info_text(own), _("受信任的电脑："),
                            *(f"  {o.name}  {o.fingerprint}" for o in seen.others if o.trusted)]))
    return 0


def cmd_trust(args: argparse.Namespace) -> int:
    from core.exchange.usecases import trust_installation

    done = trust_installation(*connect(args), args.name, args.key)
    emit(args, _info_json(done), lambda: _("已信任：") + _info_text(done))
    return 0


def cmd_signer(args: argparse.Namespace) -> int:
    from core.exchange.usecases import package_signer

    who = package_signer(*connect(args), args.file)
    emit(args, _info_json(who), lambda: _("数据包签名者：") + _info_text(who))
    return 0


def _unlocked(db: Any, actor: Any) -> None:
    from core.exchange.usecases import overview, unlock_exchange_key

    if not overview(db, actor).unlocked:
        unlock_exchange_key(db, actor, read_secret(
            _("数据交换密钥的口令："), PASS_ENV,
            _("请在提示时输入数据交换密钥的口令，或为脚本设置环境变量 {env}", env=PASS_ENV)))


def _exported(args: argparse.Namespace, done: Exported) -> int:
    emit(args, {"file": str(done.path), "kind": done.kind, "rows": done.counts, "sha256": done.sha256},
         lambda: _("已导出 {f}（{n} 行）\nSHA-256：{h}", f=done.path, n=sum(done.counts.values()), h=done.sha256))
    return 0


def cmd_export_exam(args: argparse.Namespace) -> int:
    from core.exchange.usecases import export_exam

    db, actor = connect(args)
    _unlocked(db, actor)
    return _exported(args, export_exam(db, actor, args.quiz, args.out, unit=args.unit))


def cmd_export_results(args: argparse.Namespace) -> int:
    from base.errors import InvalidInput
    from core.exchange.usecases import export_results
    from core.infra.clock import LOCAL_TZ

    since: dt.datetime | str | None = None
    if args.since == "last":
        since = "last"
    elif args.since:
        try:
            parsed = dt.datetime.fromisoformat(args.since)
        except ValueError as exc:
            raise InvalidInput(_("--since 只能是 last 或一个日期时间：{v}", v=args.since)) from exc
        since = parsed if parsed.tzinfo else parsed.replace(tzinfo=LOCAL_TZ)
    db, actor = connect(args)
    _unlocked(db, actor)
    return _exported(args, export_results(db, actor, args.out, since=since))


def _preview_text(p: ImportPreview, stored: bool) -> str:
    lines = [_("数据包：{k}，来自 {s}，制作于 {t}", k=p.kind, s=p.source, t=p.created_at)]
    if p.already:
        lines.append(_("这个数据包以前已导入过；再次导入不会重复添加。"))
    for label, counts in ((_("新增"), p.added), (_("更新"), p.updated)):
        if counts:
            lines.append(f"{label}：" + "，".join(f"{t} {n}" for t, n in counts.items()))
    if not p.added and not p.updated:
        lines.append(_("没有需要导入的新内容。"))
    for c in p.conflicts:
        lines.append(_("冲突：{o} 在“{q}”中作答次数超过允许次数，保留较早的作答，作废 {v}",
                       o=c.get("officer", ""), q=c.get("quiz", ""), v=c.get("voided", ""))
                     if c.get("kind") == "duplicate_attempt" else _("冲突：{c}", c=c))
    lines.append(_("已导入。") if stored else _("（预览，未导入）"))
    return "\n".join(lines)


def cmd_import(args: argparse.Namespace) -> int:
    from core.exchange.usecases import import_package, preview_import
    from core.people.usecases import save_password_slips

    db, actor = connect(args)
    done = (preview_import if args.dry_run else import_package)(db, actor, args.file)
    if done.slips and args.passwords and not args.dry_run:
        save_password_slips(db, actor, done.slips, args.passwords)
    data = {"kind": done.kind, "source": done.source, "added": done.added, "updated": done.updated,
            "unchanged": done.unchanged, "conflicts": done.conflicts, "already": done.already,
            "stored": not args.dry_run, "new_people": len(done.slips)}

    def text() -> str:
        out = _preview_text(done, not args.dry_run)
        if done.slips and not args.dry_run and args.passwords:
            out += "\n" + _("{n} 名新人员的初始密码单已写入 {f}（每人一个密码，首次登录后须修改）", n=len(done.slips),
                            f=args.passwords)
        elif done.slips and not args.dry_run:
            out += "\n" + _("新人员的初始密码（每人一个，首次登录后须修改；用 --passwords 文件.pdf 可打印密码单）：")
            out += "".join(f"\n  {s.badge}  {s.name}  {s.password}" for s in done.slips)
        return out

    emit(args, data, text)
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    from core.exchange.usecases import overview
    from core.infra.clock import LOCAL_TZ

    seen = overview(*connect(args))
    rows = [{"at": h.at.isoformat(), "direction": h.direction, "kind": h.kind, "peer": h.peer, "file": h.file_name,
             "rows": h.rows, "conflicts": h.conflicts} for h in seen.history]
    emit(args, rows, lambda: "\n".join(
        f"{h.at.astimezone(LOCAL_TZ):%Y-%m-%d %H:%M}  {h.direction}  {h.kind}  {h.peer}  {h.file_name}  {h.rows}"
        for h in seen.history) or _("还没有交换过数据包。"))
    return 0
