# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The limits every reader of a file someone picked keeps, in one place.

Question banks, rosters, study materials and backups come from anywhere: a damaged or hostile
file must end in a located refusal, never in a process that allocates gigabytes or runs for
minutes. Every reader checks the same limits with the helpers here:

* the size of the file (:func:`check_file_size`) and of what a zip container unpacks to
  (:func:`open_zip`: member count, compression method, declared and real sizes);
* the used range of a sheet (:func:`check_used_range`: rows × columns, with an allowance that
  grows with the sheet's compressed size) and its width;
* the length of one cell, line or field and the total text of a file (:class:`TextBudget`);
* the number of rows, lines or paragraphs (:func:`check_rows`);
* wall time (:class:`Deadline`, checked through :class:`TimedCancel` wherever a reader already
  checks for cancellation);
* whether bytes are text at all (:func:`looks_binary`).

A limit that is exceeded raises :class:`LimitExceeded`, a :class:`~base.errors.FormatError`
carrying a :class:`~base.problems.Problem` that names the file and, where known, the sheet,
row or line. The numbers are chosen so that a legitimate file (a 100,000-question bank, a
whole year's roster) is far inside them, while a 5 KB file stays under a second and 200 MB.
"""

from __future__ import annotations

import contextlib
import struct
import time
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from base.errors import FormatError
from base.i18n import _
from base.problems import Problem, Severity
from base.progress import CancelToken

MB = 1024 * 1024

MAX_FILE_BYTES = 200 * MB          # one file on disk
MAX_ZIP_MEMBERS = 5000             # entries in an .xlsx/.docx/.ods/zip container
MAX_MEMBER_BYTES = 512 * MB        # one entry, unpacked
MAX_UNZIPPED_BYTES = 1024 * MB     # all entries, unpacked
ZIP_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)   # what Office and LibreOffice write
DEFLATE_MAX_RATIO = 1100           # deflate cannot unpack more than ~1032 bytes per byte

MAX_COLUMNS = 256                  # columns of a sheet's used range (Excel 2003 had 256)
CELLS_FLOOR = 400_000              # cells (rows × columns) of a used range any sheet may have
CELLS_PER_PACKED_BYTE = 4          # ... plus this many per byte of the sheet's packed data
MAX_CELLS = 20_000_000             # and never more
MAX_ROWS = 1_048_576               # rows, lines or paragraphs of one file (Excel's row count)
MAX_FIELD_CHARS = 32_767           # one cell, line or field (Excel's own cell limit)
TEXT_FLOOR = 2_000_000             # characters of text any file may give ...
TEXT_PER_BYTE = 20                 # ... plus this many per byte of the file (copies of shared strings count)
MAX_TEXT_CHARS = 40_000_000        # and never more (a 100,000-question bank has about 15 million)
SECONDS_FLOOR = 60.0               # wall time any file may take to read ...
SECONDS_PER_MB = 10.0              # ... plus this much per MB of file

LIMIT = "limit"                    # Problem.code of a refusal for a limit


class LimitExceeded(FormatError):
    """A file goes beyond one of the limits; ``problem`` says where and which."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def refuse(file: str, message: str, *, sheet: str | None = None, row: int | None = None,
           line: int | None = None, field: str | None = None) -> LimitExceeded:
    """A :class:`LimitExceeded` for ``file`` (raise it)."""
    return LimitExceeded(Problem(file, message, Severity.ERROR, sheet, row, line, field, LIMIT))


def size_text(n: int) -> str:
    """A byte count for people: ``5.0 MB``, ``12 KB``."""
    return f"{n / MB:.1f} MB" if n >= MB else f"{max(1, round(n / 1024))} KB"


# --- files and zip containers -----------------------------------------------------------


def check_file_size(path: Path, limit: int = MAX_FILE_BYTES) -> int:
    """The size of ``path``; refuses a file over ``limit``."""
    size = path.stat().st_size
    if size > limit:
        raise refuse(path.name, _("文件过大：{size}（最多 {limit}）", size=size_text(size), limit=size_text(limit)))
    return size


def open_zip(path: Path) -> zipfile.ZipFile:
    """``path`` as a zip container whose central directory keeps the limits.

    Refuses more than :data:`MAX_ZIP_MEMBERS` entries, compression methods other than stored
    and deflate (bzip2, LZMA and the rest unpack a few bytes into gigabytes), encrypted entries,
    declared sizes over :data:`MAX_MEMBER_BYTES` / :data:`MAX_UNZIPPED_BYTES` and declared sizes
    deflate could not produce. Read entries with :func:`read_member` or :func:`iter_member`, which
    check the real size as they go. Raises ``zipfile.BadZipFile`` for a file that is no zip.
    """
    check_file_size(path)
    archive = zipfile.ZipFile(path)
    try:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            raise refuse(path.name, _("压缩包中的文件过多：{n} 个（最多 {limit} 个）", n=len(infos),
                                      limit=MAX_ZIP_MEMBERS))
        total = 0
        for info in infos:
            check_member(path.name, info)
            total += info.file_size
        if total > MAX_UNZIPPED_BYTES:
            raise refuse(path.name, _("解压后总大小过大：{size}（最多 {limit}）", size=size_text(total),
                                      limit=size_text(MAX_UNZIPPED_BYTES)))
    except BaseException:
        archive.close()
        raise
    return archive


def check_member(file: str, info: zipfile.ZipInfo) -> None:
    """Refuse one zip entry whose method, encryption or declared size breaks the limits."""
    name = info.filename
    if info.compress_type not in ZIP_METHODS:
        raise refuse(file, _("压缩包中的“{member}”使用了不支持的压缩方式（{method}）", member=name,
                             method=info.compress_type))
    if info.flag_bits & 0x1:
        raise refuse(file, _("压缩包中的“{member}”已加密，无法读取", member=name))
    if info.file_size > MAX_MEMBER_BYTES:
        raise refuse(file, _("压缩包中的“{member}”解压后过大：{size}（最多 {limit}）", member=name,
                             size=size_text(info.file_size), limit=size_text(MAX_MEMBER_BYTES)))
    if info.file_size > info.compress_size * DEFLATE_MAX_RATIO + MB:
        raise refuse(file, _("压缩包中的“{member}”已损坏（声明的大小不可能）", member=name))


def iter_member(archive: zipfile.ZipFile, name: str | zipfile.ZipInfo, file: str,
                limit: int = MAX_MEMBER_BYTES, chunk: int = MB) -> Iterator[bytes]:
    """The unpacked bytes of one entry, ``chunk`` at a time; refuses more than ``limit`` bytes.

    Python's zipfile stops at the declared size and checks the CRC, so an entry that unpacks
    to more than it declares is refused as damaged (``zipfile.BadZipFile``) here.
    """
    info = name if isinstance(name, zipfile.ZipInfo) else archive.getinfo(name)
    check_member(file, info)
    seen = 0
    blocks = _inflate(archive, info, chunk) if info.compress_type == zipfile.ZIP_DEFLATED else None
    with contextlib.ExitStack() as stack:
        if blocks is None:
            fh = stack.enter_context(archive.open(info))
            blocks = iter(lambda: fh.read(chunk), b"")
        for block in blocks:
            seen += len(block)
            if seen > limit:
                raise refuse(file, _("压缩包中的“{member}”解压后过大：超过 {limit}", member=info.filename,
                                     limit=size_text(limit)))
            if seen > info.file_size:
                raise zipfile.BadZipFile(_("“{member}”解压后比声明的大", member=info.filename))
            yield block


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, chunk: int) -> Iterator[bytes]:
    """A deflated entry's bytes, ``chunk`` at a time, straight from zlib.

    Three times faster than ``ZipFile.open`` for a large sheet (no CRC, no growing buffers); the
    library that reads the file next checks its integrity anyway.
    """
    fp = archive.fp
    if fp is None:
        raise zipfile.BadZipFile("closed")
    fp.seek(info.header_offset)
    header = fp.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(_("“{member}”的文件头已损坏", member=info.filename))
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    fp.seek(info.header_offset + 30 + name_len + extra_len)
    left = info.compress_size
    inflater = zlib.decompressobj(-15)
    pending = b""
    while True:
        if not pending:
            if left <= 0:
                break
            pending = fp.read(min(left, chunk))
            if not pending:
                raise zipfile.BadZipFile(_("“{member}”的数据不完整", member=info.filename))
            left -= len(pending)
        try:
            block = inflater.decompress(pending, chunk)
        except zlib.error as exc:
            raise zipfile.BadZipFile(str(exc)) from exc
        pending = inflater.unconsumed_tail
        if block:
            yield block
        if inflater.eof:
            break


def read_member(archive: zipfile.ZipFile, name: str | zipfile.ZipInfo, file: str,
                limit: int = MAX_MEMBER_BYTES) -> bytes:
    """The unpacked bytes of one entry (see :func:`iter_member`)."""
    return b"".join(iter_member(archive, name, file, limit))


# --- sheets ------------------------------------------------------------------------------


def cells_allowed(packed_bytes: int) -> int:
    """The used range (rows × columns) a sheet whose data packs into ``packed_bytes`` may have.

    A real sheet's cells cost a few packed bytes each, so a legitimate sheet is well inside;
    two cells far apart (a 5 KB file claiming XFD1048576) are not.
    """
    return min(MAX_CELLS, CELLS_FLOOR + CELLS_PER_PACKED_BYTE * packed_bytes)


def column_name(index: int) -> str:
    """0 -> ``A``, 26 -> ``AA``."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def check_used_range(file: str, sheet: str | None, rows: int, columns: int, packed_bytes: int) -> None:
    """Refuse a sheet whose used range (``rows`` × ``columns`` from A1) is wider or larger than allowed."""
    if columns > MAX_COLUMNS:
        raise refuse(file, _("工作表过宽：用到第 {col} 列（最多 {limit} 列）；请删除右侧多余的列后重试",
                             col=column_name(columns - 1), limit=MAX_COLUMNS), sheet=sheet)
    if rows > MAX_ROWS:
        raise refuse(file, _("行数过多：{n} 行（最多 {limit} 行）", n=rows, limit=MAX_ROWS), sheet=sheet)
    allowed = cells_allowed(packed_bytes)
    if rows * columns > allowed:
        raise refuse(file, _("工作表的使用区域过大：A1:{ref}（{cells} 个单元格，这个文件最多 {limit} 个）；"
                             "请删除多余的空行和空列后重试", ref=f"{column_name(columns - 1)}{rows}",
                             cells=rows * columns, limit=allowed), sheet=sheet)


def check_rows(file: str, rows: int, *, sheet: str | None = None) -> None:
    """Refuse more than :data:`MAX_ROWS` rows, lines or paragraphs."""
    if rows > MAX_ROWS:
        raise refuse(file, _("行数过多：{n} 行（最多 {limit} 行）", n=rows, limit=MAX_ROWS), sheet=sheet)


# --- text ----------------------------------------------------------------------------------


def text_allowed(size_bytes: int) -> int:
    """Characters of text a file of ``size_bytes`` may give."""
    return min(MAX_TEXT_CHARS, TEXT_FLOOR + TEXT_PER_BYTE * size_bytes)


class TextBudget:
    """Counts the text a reader takes from one file: one field at most :data:`MAX_FIELD_CHARS`,
    all of it at most :func:`text_allowed` characters (a 5 KB file whose cells all repeat one long
    shared string is refused before the copies fill the memory)."""

    __slots__ = ("file", "total", "field_limit", "total_limit")

    def __init__(self, file: str, *, field_limit: int = MAX_FIELD_CHARS, total_limit: int = MAX_TEXT_CHARS) -> None:
        self.file = file
        self.total = 0
        self.field_limit = field_limit
        self.total_limit = total_limit

    @classmethod
    def for_file(cls, path: Path) -> TextBudget:
        """The budget of the file at ``path`` (its size sets the total)."""
        try:
            size = path.stat().st_size
        except OSError:
            size = 0
        return cls(path.name, total_limit=text_allowed(size))

    def add(self, chars: int, *, sheet: str | None = None, row: int | None = None, line: int | None = None) -> None:
        """Count ``chars`` more characters (a block of cells or lines)."""
        self.total += chars
        if self.total > self.total_limit:
            raise refuse(self.file, _("文字总量过大：超过 {limit} 字", limit=self.total_limit),
                         sheet=sheet, row=row, line=line)

    def field(self, chars: int, *, sheet: str | None = None, row: int | None = None, line: int | None = None,
              field: str | None = None) -> None:
        """Refuse one cell, line or field longer than the field limit."""
        if chars > self.field_limit:
            raise refuse(self.file, _("文字过长：{n} 字（一格或一行最多 {limit} 字）", n=chars, limit=self.field_limit),
                         sheet=sheet, row=row, line=line, field=field)


_TEXT_CONTROLS = frozenset(b"\t\n\r\f\v\x1a\x1b")


def looks_binary(data: bytes, sample: int = 8192) -> bool:
    """True when ``data`` is not text in any encoding a reader accepts (UTF-8/16, GB18030).

    UTF-16 with a BOM is text; otherwise a NUL byte or more than 5 % control bytes in the first
    ``sample`` bytes mean binary (pictures, executables, zips named .txt).
    """
    head = data[:sample]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in _TEXT_CONTROLS)
    return bool(head) and controls * 20 > len(head)


# --- wall time ------------------------------------------------------------------------------


def seconds_allowed(size_bytes: int) -> float:
    """How long reading a file of ``size_bytes`` may take."""
    return SECONDS_FLOOR + SECONDS_PER_MB * size_bytes / MB


class Deadline:
    """The time reading one file must end by (monotonic clock)."""

    __slots__ = ("file", "seconds", "end")

    def __init__(self, file: str, seconds: float) -> None:
        self.file = file
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    @classmethod
    def for_file(cls, path: Path) -> Deadline:
        try:
            size = path.stat().st_size
        except OSError:
            size = 0
        return cls(path.name, seconds_allowed(size))

    def check(self) -> None:
        if time.monotonic() > self.end:
            raise refuse(self.file, _("读取超时：超过 {s} 秒，已停止", s=round(self.seconds)))


class TimedCancel(CancelToken):
    """A cancel token that also enforces a :class:`Deadline`: readers that check for cancellation
    in their loops keep the wall-time limit without knowing of it. Cancelling cancels ``parent``."""

    def __init__(self, parent: CancelToken | None, deadline: Deadline) -> None:
        super().__init__()
        self.parent = parent if parent is not None else CancelToken()
        self.deadline = deadline

    def cancel(self) -> None:
        self.parent.cancel()

    @property
    def cancelled(self) -> bool:
        return self.parent.cancelled

    def check(self) -> None:
        self.parent.check()
        self.deadline.check()
