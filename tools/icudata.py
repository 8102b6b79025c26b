# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Trim the ICU data library that Qt's Linux wheels ship (libicudata.so.NN, 32 MB) to what StudyHall uses.

Qt links ICU for collation (sorting Chinese by pinyin), time-zone names and legacy text codecs. The data
library is one symbol, ``icudtNN_dat``: an ICU "common data" package (a table of contents of named items,
then the items). ``build.spec`` keeps the items of what Qt calls ICU for (collation, time-zone names, the
Chinese code pages) in the locales the app speaks (root, zh, en), drops the ~800 other locales, the other
code pages and the data of the ICU services Qt never calls (see DROPPED), and assembles a library exporting
the same symbol with the GNU assembler and linker (binutils, which PyInstaller needs on Linux anyway).

    python tools/icudata.py LIB            # list the items and sizes of a libicudata
    python tools/icudata.py LIB OUT        # write the trimmed library to OUT
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bundling import elf_sections  # tools/ is on sys.path (build.spec, tests)

# What Qt 6 calls in ICU (nm -D --undefined-only libQt6Core.so.6): ucol_* (QCollator: sorting by pinyin),
# ucal_* (QTimeZone's display names and canonical ids) and ucnv_* (QStringConverter for legacy codecs); case
# mapping and NFC are compiled into libicuuc. Qt does its own text boundaries, IDNA and number formatting.
# Locales kept (with their scripts and regions: zh_Hans_CN, en_GB ...): the languages StudyHall speaks.
LOCALES = ("root", "zh", "en")
# Items dropped whatever their locale: break iterators and their dictionaries, transliterators, currency,
# language, region and unit names, spell-out rules (none used by Qt), character names, spoof checks,
# StringPrep/IDNA profiles, and the legacy code pages other than the Chinese ones.
DROPPED = re.compile(r"(brkitr|translit|curr|lang|region|unit|rbnf)/|unames\.icu$|confusables\.cfu$|\.spp$|uts46\.nrm$")
# GB18030, GBK (windows-936 on its base table ibm-1386), GB2312 (EUC-CN) and Big5 (windows-950 and ibm-950
# on ibm-1373).
KEPT_CODEPAGES = ("gb18030.cnv", "windows-936-2000.cnv", "ibm-1386_P100-2001.cnv", "ibm-1383_P110-1999.cnv",
                  "windows-950-2000.cnv", "ibm-950_P110-1999.cnv", "ibm-1373_P100-2002.cnv")
# Locale data lives at the top level and in these trees: only the kept locales' files stay.
LOCALE_TREES = ("", "coll/", "zone/")
ALIGN = 16


@dataclass(frozen=True)
class Package:
    """An ICU common data package: its header bytes, the name prefix ("icudt73l/") and the items."""

    header: bytes
    prefix: str
    items: dict[str, bytes]


def symbol_bytes(library: Path) -> tuple[str, bytes]:
    """The name and bytes of the ``icudtNN_dat`` symbol of an ELF64 little-endian shared library."""
    data = library.read_bytes()
    sections = elf_sections(data)
    for _name, sh_type, _flags, _addr, offset, size, link, _info, _align, entsize in sections:
        if sh_type != 11:                       # SHT_DYNSYM
            continue
        strtab_offset = sections[link][4]
        for pos in range(offset, offset + size, entsize):
            st_name, _st_info, _other, _shndx, value, st_size = struct.unpack_from("<IBBHQQ", data, pos)
            end = data.index(b"\0", strtab_offset + st_name)
            name = data[strtab_offset + st_name:end].decode()
            if re.fullmatch(r"icudt\d+_dat", name):
                for _n, _t, _f, addr, sec_offset, sec_size, *_ in sections:
                    if addr <= value < addr + sec_size:
                        start = sec_offset + value - addr
                        return name, data[start:start + st_size]
    raise ValueError(f"{library}: no icudtNN_dat symbol")


def parse(blob: bytes) -> Package:
    """Split a common data package ("CmnD") into its items, keyed by name without the prefix."""
    header_size, magic1, magic2 = struct.unpack_from("<HBB", blob, 0)
    if (magic1, magic2) != (0xDA, 0x27) or blob[12:16] != b"CmnD" or blob[8] != 0:
        raise ValueError("not a little-endian ICU common data package")
    toc = blob[header_size:]
    count, = struct.unpack_from("<I", toc, 0)
    entries = [struct.unpack_from("<II", toc, 4 + 8 * i) for i in range(count)]
    names = [toc[n:toc.index(b"\0", n)].decode("ascii") for n, _ in entries]
    ends = [offset for _, offset in entries[1:]] + [len(toc)]
    prefix = names[0].split("/", 1)[0] + "/"
    items = {name.removeprefix(prefix): toc[offset:end] for name, (_, offset), end in zip(names, entries, ends, strict=True)}
    return Package(blob[:header_size], prefix, items)


def build(package: Package) -> bytes:
    """The package's bytes: header, table of contents (sorted by name, as ICU's binary search needs), items."""
    names = sorted(package.items)
    name_bytes = [(package.prefix + name).encode("ascii") + b"\0" for name in names]
    names_start = 4 + 8 * len(names)
    name_offsets, pos = [], names_start
    for raw in name_bytes:
        name_offsets.append(pos)
        pos += len(raw)
    pos += -(len(package.header) + pos) % ALIGN
    toc_entries, body = [], bytearray()
    for name, name_offset in zip(names, name_offsets, strict=True):
        toc_entries.append(struct.pack("<II", name_offset, pos + len(body)))
        body += package.items[name]
        body += b"\0" * (-(len(package.header) + pos + len(body)) % ALIGN)
    names_block = b"".join(name_bytes)
    padding = b"\0" * (pos - names_start - len(names_block))
    return package.header + struct.pack("<I", len(names)) + b"".join(toc_entries) + names_block + padding + bytes(body)


def locale_of(name: str) -> str | None:
    """The locale a locale-data item belongs to ("zh_Hans_CN" for "coll/zh_Hans_CN.res"), else None."""
    for tree in LOCALE_TREES:
        rest = name[len(tree):] if name.startswith(tree) else None
        if rest is not None and "/" not in rest and rest.endswith(".res"):
            stem = rest[:-4]
            if stem in ("res_index", "pool", "supplementalData", "metadata") or not re.fullmatch(r"[a-z]{2,3}(_\w*)?|root", stem):
                return None
            return stem
    return None


def wanted(name: str) -> bool:
    """Whether StudyHall's bundle keeps this item."""
    if DROPPED.search(name) or (name.endswith(".cnv") and name not in KEPT_CODEPAGES):
        return False
    locale = locale_of(name)
    return locale is None or locale.split("_", 1)[0] in LOCALES


def trim(package: Package) -> Package:
    return Package(package.header, package.prefix, {n: b for n, b in package.items.items() if wanted(n)})


def write_library(symbol: str, blob: bytes, out: Path) -> None:
    """Assemble a shared library that exports ``symbol`` holding ``blob`` (as ICU's own data library does)."""
    missing = [tool for tool in ("as", "ld") if shutil.which(tool) is None]
    if missing:
        raise RuntimeError(f"building the bundle needs the GNU assembler and linker ({', '.join(missing)} not found; "
                           "Debian: apt-get install binutils)")
    soname = out.name
    with tempfile.TemporaryDirectory(prefix="icudata-") as tmp:
        dat, asm, obj = Path(tmp) / "data.dat", Path(tmp) / "data.s", Path(tmp) / "data.o"
        dat.write_bytes(blob)
        asm.write_text(f'\t.section .rodata\n\t.globl {symbol}\n\t.type {symbol}, @object\n\t.balign 16\n'
                       f'{symbol}:\n\t.incbin "{dat}"\n\t.size {symbol}, . - {symbol}\n'
                       '\t.section .note.GNU-stack,"",@progbits\n')
        subprocess.run(["as", "-o", str(obj), str(asm)], check=True)
        subprocess.run(["ld", "-shared", "-soname", soname, "-o", str(out), str(obj)], check=True)


def trim_library(library: Path, out: Path) -> tuple[int, int]:
    """Write the trimmed copy of ``library`` to ``out``; returns (bytes before, bytes after) of the data."""
    symbol, blob = symbol_bytes(library)
    trimmed = build(trim(parse(blob)))
    write_library(symbol, trimmed, out)
    return len(blob), len(trimmed)


def main(argv: list[str]) -> int:
    library = Path(argv[0])
    if len(argv) > 1:
        before, after = trim_library(library, Path(argv[1]))
        print(f"ICU data {before / 1e6:.1f} MB -> {after / 1e6:.1f} MB")
        return 0
    package = parse(symbol_bytes(library)[1])
    for name, item in sorted(package.items.items(), key=lambda kv: -len(kv[1])):
        print(f"{len(item):10d} {'keep' if wanted(name) else 'drop'} {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
