# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""QR codes as packed bits: one bit per module, rows padded to whole bytes (a PDF 1-bit image).

Encoding uses zxing-cpp (about 0.5 ms per code) and falls back to segno. The packed form is what
a PDF page draws as one inline image mask and what a certificate keeps once it is signed
(core/certificates/codes.py), about 250 bytes for the usual 41-module code; ``runs`` gives the
dark modules of each row merged into rectangles for painters that draw shapes (Qt preview).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

_DARK_RUN = re.compile(b"1+")


@dataclass(frozen=True, slots=True)
class QrMatrix:
    """``size`` modules square; ``bits`` row after row from the top, MSB first, 1 = dark, each row
    padded to a whole byte."""

    size: int
    bits: bytes

    @property
    def row_bytes(self) -> int:
        return (self.size + 7) // 8

    def rows(self) -> list[bytes]:
        """Each row as ASCII ``0``/``1`` characters (1 = dark)."""
        n, width = self.size, self.row_bytes * 8
        text = format(int.from_bytes(self.bits, "big"), f"0{width * n}b").encode("ascii")
        return [text[r * width:r * width + n] for r in range(n)]

    @property
    def runs(self) -> tuple[tuple[int, int, int], ...]:
        """(row, first column, length) of the dark modules, row 0 on top."""
        return tuple((r, m.start(), m.end() - m.start())
                     for r, row in enumerate(self.rows()) for m in _DARK_RUN.finditer(row))


@cache
def _table(dark: bytes) -> bytes:
    return bytes(0x31 if b == dark[0] else 0x30 for b in range(256))


def pack(rows: list[bytes], dark: bytes) -> QrMatrix:
    """A matrix from rows of one byte per module, ``dark`` marking a dark module."""
    size = len(rows)
    table = _table(dark)
    pad = b"0" * (-size % 8)
    text = b"".join(row.translate(table) + pad for row in rows)
    return QrMatrix(size, int(text, 2).to_bytes(len(text) // 8, "big"))


def _zxing_matrix(text: str) -> QrMatrix:
    import zxingcpp

    code = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = code.to_image(scale=1, add_quiet_zones=False)
    height, width = image.shape[0], image.shape[1]
    raw = memoryview(image).tobytes()  # type: ignore[arg-type]  # the stub omits Image's buffer protocol
    return pack([raw[i * width:(i + 1) * width] for i in range(height)], b"\x00")


def _segno_matrix(text: str) -> QrMatrix:
    import segno

    code = segno.make_qr(text, error="m")
    return pack([bytes(row) for row in code.matrix], b"\x01")


def qr_matrix(text: str) -> QrMatrix:
    try:
        return _zxing_matrix(text)
    except ImportError:
        return _segno_matrix(text)
