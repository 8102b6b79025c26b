# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Freeing big structures without freezing the window.

Dropping the last reference to a list of 100,000 spreadsheet rows frees about a million objects in
one uninterruptible cascade of deallocations, holding the GIL for ~35 ms; on a worker thread that
is 35 ms in which the GUI thread cannot run. :func:`release` frees a list a slice at a time, so
the interpreter may switch threads between slices.
"""

from __future__ import annotations

from typing import Any

SLICE = 2000


def release(items: list[Any]) -> None:
    """Empty ``items`` in place, ``SLICE`` items at a time (from the end: no shifting)."""
    while items:
        del items[-SLICE:]
