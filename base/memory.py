# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Freeing big structures without freezing the window.

Dropping the last reference to a list of 100,000 spreadsheet rows frees about a million objects in
one uninterruptible cascade of deallocations, holding the GIL for ~35 ms; on a worker thread that
is 35 ms in which the GUI thread cannot run. :func:`release` frees a list a slice at a time, so
the interpreter may switch threads between slices. :func:`give_back` returns freed C-heap pages.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

SLICE = 2000


def release(items: list[Any]) -> None:
    """Empty ``items`` in place, ``SLICE`` items at a time (from the end: no shifting)."""
    while items:
        del items[-SLICE:]


def give_back() -> None:
    """Return the C heap's free pages to the system (glibc's ``malloc_trim``; elsewhere nothing).

    python-calamine keeps a workbook's shared strings (tens of megabytes for a 100,000-row
    bank) in the C heap; once the workbook is closed they are free, but glibc keeps the pages,
    and Python's own objects, which come from separate arenas, cannot reuse them. Trimming
    gives them back, so what the import builds next does not add to them.
    """
    global _trim
    if _trim is None:
        _trim = False
        if sys.platform.startswith("linux"):
            try:
                _trim = ctypes.CDLL(None).malloc_trim
            except (OSError, AttributeError):   # not glibc (musl has no malloc_trim)
                pass
    if _trim:
        _trim(0)


_trim: Any = None
