# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Registry of question-bank formats.

Every module in this package that defines ``FORMAT = FormatSpec(...)`` is a
format; nothing else needs to change to add one. Modules are discovered by name
and imported only when a format is needed, so heavy libraries (openpyxl,
python-docx) stay out of start-up.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from base.errors import FormatError
from base.i18n import _
from base.plugins import discover
from base.progress import CancelToken, ProgressSink, no_progress
from quizbank.model import ImportResult, Question


@dataclass(slots=True)
class ReadOptions:
    """What a reader may need besides the file."""

    # Explicit column mapping for header-less sheets: field name -> 0-based column
    # index. Field names: type, stem, option_A..option_H, answer, explanation,
    # category, difficulty, score, tags.
    columns: dict[str, int] | None = None
    # Folder where readers extract embedded media (docx/xlsx images, base64 in XML).
    media_dir: Path | None = None
    progress: ProgressSink = no_progress
    cancel: CancelToken = field(default_factory=CancelToken)
    # Called, in file order, with questions as soon as the reader has validated them, so the
    # import pipeline can store them while reading goes on; a reader that does so leaves them
    # out of the result it returns (instead of ImportResult.add_checked). Readers need not call
    # it: the pipeline takes the questions of the returned result as well.
    on_checked: Callable[[Sequence[Question]], None] | None = None


Reader = Callable[[Path, ReadOptions], ImportResult]
Writer = Callable[[Path, Sequence[Question]], None]


@dataclass(frozen=True, slots=True)
class FormatSpec:
    name: str                      # short id used on the CLI: xlsx, docx, gift…
    label: str                     # user-facing name, already marked with N_()
    extensions: tuple[str, ...]    # lower-case, with the dot: (".xlsx",)
    read: Reader | None = None
    write: Writer | None = None
    # For formats that share an extension with another (Aiken in .txt): claim a file only when
    # its content looks like this format. Checked before the extension-only formats.
    sniff: Callable[[Path], bool] | None = None
    sniff_extensions: tuple[str, ...] = ()


class UnsupportedFormat(FormatError):
    """Raised with a user-facing message for a file type no format reads/writes."""


_registry: dict[str, FormatSpec] | None = None


def formats() -> dict[str, FormatSpec]:
    """All formats, by name (discovered once)."""
    global _registry
    if _registry is None:
        found = {spec.name: spec for _m, spec in discover(__name__, "FORMAT", kind=FormatSpec)}
        _registry = dict(sorted(found.items()))
    return _registry


def for_path(path: Path, *, writing: bool = False) -> FormatSpec:
    """The format whose extension ends the file name; the longest wins (``.gift.txt`` before ``.txt``)."""
    name = path.name.lower()
    best: tuple[int, FormatSpec] | None = None
    for spec in formats().values():
        if not (spec.write if writing else spec.read):
            continue
        if (spec.sniff is not None and not writing and any(name.endswith(e) for e in spec.sniff_extensions)
                and path.is_file() and spec.sniff(path)):
            return spec
        for ext in spec.extensions:
            if name.endswith(ext) and (best is None or len(ext) > best[0]):
                best = (len(ext), spec)
    if best is None:
        ext = path.suffix.lower()
        raise UnsupportedFormat(_("不支持的文件类型“{ext}”：{file}", ext=ext or "?", file=path.name))
    return best[1]


def by_name(name: str, *, writing: bool = False) -> FormatSpec:
    spec = formats().get(name)
    if spec is None or not (spec.write if writing else spec.read):
        names = ", ".join(n for n, s in formats().items() if (s.write if writing else s.read))
        raise UnsupportedFormat(_("不支持的格式“{name}”，可选：{names}", name=name, names=names))
    return spec


def readable_extensions() -> list[str]:
    return sorted({e for s in formats().values() if s.read for e in s.extensions})


def file_dialog_filter() -> str:
    """Qt file-dialog filter string built from the registry."""
    exts = " ".join(f"*{e}" for e in readable_extensions())
    parts = [_("所有题库文件 ({exts})", exts=exts)]
    for spec in formats().values():
        if spec.read:
            parts.append(f"{_(spec.label)} ({' '.join('*' + e for e in spec.extensions)})")
    return ";;".join(parts)


def read(path: Path, options: ReadOptions | None = None) -> ImportResult:
    """Read one file with the format its extension names."""
    spec = for_path(path)
    assert spec.read is not None
    return spec.read(path, options or ReadOptions())
