# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Discovery instead of central lists: every module of a package that defines a marker attribute.

Formats (``FORMAT``), sidebar pages (``PAGE``), CLI groups (``register``), demo steps (``STEP``)
and benchmark workloads (``WORKLOADS``) are found this way, so adding one touches nothing else::

    for module, spec in discover(formats_package, "FORMAT"):
        ...
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from types import ModuleType
from typing import Any


def discover(package: ModuleType | str, attribute: str, *, kind: type | None = None,
             include_private: bool = False) -> Iterator[tuple[ModuleType, Any]]:
    """Yield ``(module, value)`` for each direct submodule of ``package`` that defines ``attribute``.

    Modules whose names start with ``_`` are helpers and skipped unless ``include_private``;
    with ``kind`` only values of that type count. Modules come in name order.
    """
    if isinstance(package, str):
        package = importlib.import_module(package)
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name.startswith("_") and not include_private:
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        value = getattr(module, attribute, None)
        if value is None or (kind is not None and not isinstance(value, kind)):
            continue
        yield module, value
