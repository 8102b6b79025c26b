# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Near-copy detection for 心得体会: character shingles, MinHash signatures, highlighted overlap.

Chinese has no spaces, so a text is folded (letters and CJK characters only, lower case, full-width
to half-width) and cut into overlapping runs of :data:`K` characters (shingles). Two texts that share
many shingles share passages. Each text keeps a MinHash signature of :data:`HASHES` values (the
minimum of each of 64 hash functions over its shingles): the share of equal positions between two
signatures estimates the Jaccard similarity of their shingle sets, so one new text is compared with
10,000 earlier ones by comparing small integer tuples, and only the best candidates are compared
exactly (their shingle sets, and the passages they share, highlighted).
"""

from __future__ import annotations

import unicodedata
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

K = 5                       # characters per shingle
HASHES = 64                 # MinHash signature length
_PRIME = (1 << 61) - 1
_MASK = (1 << 32) - 1
# Fixed coefficients (a, b) of the hash family h(x) = (a*x + b) mod p, the same on every PC.
_COEFFS = [(((i * 0x9E3779B97F4A7C15) ^ 0x5851F42D4C957F2D) % (_PRIME - 1) + 1,
            ((i * 0xC2B2AE3D27D4EB4F) ^ 0x165667B19E3779F9) % _PRIME) for i in range(1, HASHES + 1)]


def fold(text: str) -> tuple[str, list[int]]:
    """The text reduced to what carries meaning, and for each kept character its index in ``text``."""
    chars: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        c = unicodedata.normalize("NFKC", ch).lower()
        if c and c[0].isalnum():
            chars.append(c[0])
            where.append(i)
    return "".join(chars), where


def shingles(folded: str) -> set[int]:
    """The text's K-character runs, each hashed to 32 bits (CRC32: stable across processes)."""
    if len(folded) < K:
        return {zlib.crc32(folded.encode())} if folded else set()
    return {zlib.crc32(folded[i:i + K].encode()) for i in range(len(folded) - K + 1)}


def signature(text: str) -> bytes:
    """The MinHash signature of a text: HASHES 32-bit values, little-endian (4 × HASHES bytes)."""
    sh = shingles(fold(text)[0])
    if not sh:
        return b"\xff" * (4 * HASHES)
    values = [min(((a * x + b) % _PRIME) & _MASK for x in sh) for a, b in _COEFFS]
    return b"".join(v.to_bytes(4, "little") for v in values)


# One bit at the bottom of every 32-bit lane of a signature read as one big integer.
_LANE_LSB = int.from_bytes(b"\x01\x00\x00\x00" * HASHES, "little")


def _differing_lanes(x: int) -> int:
    """How many 32-bit lanes of ``x`` are not zero (SWAR: fold each lane onto its lowest bit)."""
    x |= x >> 16
    x |= x >> 8
    x |= x >> 4
    x |= x >> 2
    x |= x >> 1
    return (x & _LANE_LSB).bit_count()


def estimate(sig_a: bytes, sig_b: bytes) -> float:
    """Estimated Jaccard similarity from two signatures (0..1): the share of equal values."""
    if len(sig_a) != len(sig_b) or len(sig_a) != 4 * HASHES:
        return 0.0
    x = int.from_bytes(sig_a, "little") ^ int.from_bytes(sig_b, "little")
    return 1 - _differing_lanes(x) / HASHES


def jaccard(text_a: str, text_b: str) -> float:
    a, b = shingles(fold(text_a)[0]), shingles(fold(text_b)[0])
    return len(a & b) / len(a | b) if a and b else 0.0


@dataclass(frozen=True, slots=True)
class Candidate:
    key: object
    estimate: float


def closest(sig: bytes, others: Iterable[tuple[object, bytes]], *, top: int = 5) -> list[Candidate]:
    """The ``top`` earlier texts whose signatures agree most with ``sig`` (best first)."""
    mine = int.from_bytes(sig, "little")
    size = 4 * HASHES
    scored = []
    for key, other in others:
        if len(other) == size:
            scored.append((_differing_lanes(mine ^ int.from_bytes(other, "little")), key))
    scored.sort(key=lambda t: t[0])
    return [Candidate(key, 1 - diff / HASHES) for diff, key in scored[:top]]


def overlap_spans(text: str, other: str) -> list[tuple[int, int]]:
    """Character ranges of ``text`` (start, end) covered by shingles it shares with ``other``: the
    passages to highlight. Adjacent ranges are merged."""
    folded, where = fold(text)
    theirs = shingles(fold(other)[0])
    if len(folded) < K or not theirs:
        return []
    covered = [False] * len(folded)
    for i in range(len(folded) - K + 1):
        if zlib.crc32(folded[i:i + K].encode()) in theirs:
            for j in range(i, i + K):
                covered[j] = True
    spans: list[tuple[int, int]] = []
    for i, hit in enumerate(covered):
        if not hit:
            continue
        start, end = where[i], where[i] + 1
        if spans and _only_gaps(text, spans[-1][1], start):
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def _only_gaps(text: str, a: int, b: int) -> bool:
    """Between a and b there is nothing but punctuation or spaces (dropped by :func:`fold`)."""
    return all(not (unicodedata.normalize("NFKC", ch).lower()[:1] or " ").isalnum() for ch in text[a:b])


def covered_share(text: str, spans: Sequence[tuple[int, int]]) -> float:
    """How much of the text's meaningful characters the spans cover (0..1)."""
    folded, where = fold(text)
    if not folded:
        return 0.0
    inside = 0
    k = 0
    for pos in where:
        while k < len(spans) and spans[k][1] <= pos:
            k += 1
        if k < len(spans) and spans[k][0] <= pos < spans[k][1]:
            inside += 1
    return inside / len(folded)
