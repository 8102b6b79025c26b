# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""``bank import | export | template | list``: question banks from the command line."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from base.errors import InvalidInput
from base.i18n import _
from cli import EXIT_OK, EXIT_REFUSED, connect, emit

if TYPE_CHECKING:
    from core.bank.importing import ImportReport

EXPORT_FORMATS = ("xlsx", "docx", "gift", "aiken", "moodlexml", "json", "csv", "txt")


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("bank", help=_("题库：导入、导出、模板、列表"), parents=[common])
    bsub = p.add_subparsers(dest="bank_command", metavar="ACTION", required=True)

    imp = bsub.add_parser("import", help=_("导入题库文件（Excel、Word、文本、GIFT、Aiken、Moodle XML、JSON、JSONL）"),
                          parents=[common])
    imp.add_argument("files", nargs="+", type=Path, metavar="FILE", help=_("题库文件，可以有多个"))
    imp.add_argument("--bank", help=_("导入到此题库（默认：第一个文件的文件名）"))
    imp.add_argument("--category", help=_("没有分类的题目归入此分类"))
    imp.add_argument("--format", dest="format_name", help=_("按此格式读取，不看扩展名"))
    imp.add_argument("--dry-run", action="store_true", help=_("只检查，不保存"))
    imp.add_argument("--skip-invalid", action="store_true", help=_("跳过有错误的题目，保存其余题目"))
    imp.add_argument("--columns", metavar="MAP",
                     help=_("没有表头时指定各列，如 stem=B,answer=C,option_A=D（列字母或从1开始的列号）"))
    imp.add_argument("--json", action="store_true")
    imp.set_defaults(func=cmd_import)

    exp = bsub.add_parser("export", help=_("导出题库（启用的最新版本题目）"), parents=[common])
    exp.add_argument("file", type=Path, metavar="FILE")
    exp.add_argument("--bank", help=_("要导出的题库（只有一个题库时可省略）"))
    exp.add_argument("--format", dest="format_name", choices=EXPORT_FORMATS, help=_("导出格式（默认按扩展名）"))
    exp.add_argument("--json", action="store_true")
    exp.set_defaults(func=cmd_export)

    tpl = bsub.add_parser("template", help=_("生成 Excel 导入模板"), parents=[common])
    tpl.add_argument("file", type=Path, metavar="FILE.xlsx")
    tpl.add_argument("--json", action="store_true")
    tpl.set_defaults(func=cmd_template)

    ls = bsub.add_parser("list", help=_("列出题库及各题型题数"), parents=[common])
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list)


def parse_column_map(text: str) -> dict[str, int]:
    """``stem=B,answer=C,option_A=D`` (letters or 1-based numbers) -> 0-based ``ReadOptions.columns``."""
    from quizbank.columns import FIELDS, header_field

    mapping: dict[str, int] = {}
    for part in (p.strip() for p in text.replace("，", ",").split(",")):
        if not part:
            continue
        name, sep, column = (s.strip() for s in part.partition("="))
        if not sep or not name or not column:
            raise InvalidInput(_("列映射“{p}”应写成 字段=列，如 stem=B", p=part))
        field = name if name in FIELDS else header_field(name)
        if field is None:
            raise InvalidInput(_("未知字段“{f}”，可选：{names}", f=name, names=", ".join(FIELDS)))
        mapping[field] = column_index(column)
    if "stem" not in mapping:
        raise InvalidInput(_("列映射必须包含题干列（stem）"))
    return mapping


def column_index(text: str) -> int:
    """``B`` -> 1, ``AA`` -> 26, ``3`` -> 2 (0-based)."""
    text = text.strip().upper()
    if text.isdigit() and int(text) >= 1:
        return int(text) - 1
    if text.isascii() and text.isalpha() and len(text) <= 3:
        n = 0
        for ch in text:
            n = n * 26 + (ord(ch) - ord("A") + 1)
        return n - 1
    raise InvalidInput(_("“{c}”不是列字母或列号", c=text))


def cmd_import(args: argparse.Namespace) -> int:
    from core.bank import usecases as bank

    columns = parse_column_map(args.columns) if args.columns else None
    files: list[Path] = args.files
    report = bank.import_files(*connect(args), files, bank=args.bank or files[0].stem, category=args.category,
                               dry_run=args.dry_run, skip_invalid=args.skip_invalid, format_name=args.format_name,
                               columns=columns)
    emit(args, report.to_json(), lambda: import_text(report))
    # Finding no question is a refusal, on a dry run too; errors refuse a real import without --skip-invalid.
    return EXIT_REFUSED if report.refused or report.empty else EXIT_OK


def import_text(report: ImportReport) -> str:
    """The import report for a terminal: how sheets were read, the problems, the summary, with the
    options (not the GUI's checkboxes) that change the outcome."""
    from quizbank.formats import formats
    from quizbank.layout import describe
    from quizbank.model import LAYOUT_GUESSED, LAYOUT_LINES, NO_HEADER, NO_QUESTIONS

    lines = []
    for layout in report.layouts:
        if layout.kind == LAYOUT_GUESSED:
            lines.append(describe(layout) + _("（不对时用 --columns 指定各列）"))
        elif layout.kind == LAYOUT_LINES or layout.mark:
            lines.append(describe(layout))
    for p in report.problems:
        line = str(p) + ("" if p.severity == "error" else _("（警告）"))
        if p.code == NO_HEADER:
            line += _("（用 --columns 指定各列，如 --columns stem=B,option_A=C,option_B=D,answer=E）")
        elif p.code == NO_QUESTIONS and p is report.problems[-1]:
            line += _("可用 --format 指定格式（{names}），没有表头的表格可用 --columns 指定各列。", names=", ".join(
                name for name, spec in formats().items() if spec.read))
        lines.append(line)
    summary = report.summary()
    if report.refused and not report.empty:
        summary += _("（加 --skip-invalid 可跳过有错误的题目，导入其余题目）")
    lines.append(summary)
    return "\n".join(lines)


def cmd_export(args: argparse.Namespace) -> int:
    from core.bank import usecases as bank

    done = bank.export_bank(*connect(args), args.file, bank=args.bank, format_name=args.format_name)
    emit(args, {"bank": done.bank, "file": str(args.file), "format": args.format_name or args.file.suffix.lstrip("."),
                "exported": done.count}, _("已导出 {n} 题到 {file}", n=done.count, file=args.file))
    return EXIT_OK


def cmd_template(args: argparse.Namespace) -> int:
    from core.bank import usecases as bank

    path = bank.write_template(*connect(args), args.file)
    emit(args, {"file": str(path)}, _("已生成导入模板：{file}", file=path))
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    from core.bank import usecases as bank
    from quizbank.model import QType

    banks = bank.list_banks(*connect(args))

    def table() -> str:
        if not banks:
            return _("还没有题库 — 用“bank import 文件”导入")
        lines = []
        for b in banks:
            parts = "，".join(f"{t.label} {b.by_type[t.value]}" for t in QType if t.value in b.by_type)
            lines.append(_("{name}：共 {n} 题", name=b.name, n=b.total) + (f"（{parts}）" if parts else ""))
        return "\n".join(lines)

    emit(args, [b.to_dict() for b in banks], table)
    return EXIT_OK
