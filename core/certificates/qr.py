# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""QR codes as row runs: the dark modules of each row merged into rectangles.

Encoding uses zxing-cpp (about 1 ms per code) and falls back to segno. Drawing
the runs as one path per code costs a few hundred bytes and no widget overhead
(ReportLab's QrCodeWidget takes ~45 ms per code).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class QrMatrix:
    """``size`` modules square; ``runs`` are (row, first column, length) of dark modules, row 0 on top."""

    size: int
    runs: tuple[tuple[int, int, int], ...]


def _runs_from_rows(rows: list[bytes], dark: bytes) -> tuple[tuple[int, int, int], ...]:
    pattern = re.compile(re.escape(dark) + b"+")
    return tuple((r, m.start(), m.end() - m.start()) for r, row in enumerate(rows) for m in pattern.finditer(row))


def _zxing_matrix(text: str) -> QrMatrix:
    import zxingcpp

    code = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = code.to_image(scale=1, add_quiet_zones=False)
    height, width = image.shape[0], image.shape[1]
    raw = memoryview(image).tobytes()  # type: ignore[arg-type]  # the stub omits Image's buffer protocol
    rows = [raw[i * width:(i + 1) * width] for i in range(height)]
    return QrMatrix(width, _runs_from_rows(rows, b"\x00"))


def _segno_matrix(text: str) -> QrMatrix:
    import segno

    code = segno.make_qr(text, error="m")
    rows = [bytes(row) for row in code.matrix]
    return QrMatrix(len(rows), _runs_from_rows(rows, b"\x01"))


def qr_matrix(text: str) -> QrMatrix:
    try:
        return _zxing_matrix(text)
    except ImportError:
        return _segno_matrix(text)
