# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""What build.spec leaves out of the PyInstaller bundle, as plain functions over PyInstaller's TOC lists.

A TOC entry is ``(dest, src, typecode)``: the path inside the bundle, the file it is copied from, and
"BINARY", "EXTENSION", "DATA" or "SYMLINK" (then ``src`` is the link's target, relative to its folder).
Names are compared by their last path component, so the same rules hold for Linux and Windows paths.
"""

from __future__ import annotations

import os
import posixpath
import re
import struct
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from pathlib import Path

Entry = tuple[str, str, str]

# Python modules nothing in the app imports (tests/test_bundle.py runs every module and --selftest without
# them): test and documentation tools (reportlab and lxml import doctest only under `__main__`), packaging
# tools, syntax highlighting (markdown's codehilite extension, not enabled), PIL's AVIF codec (4.7 MB of
# libavif; no study material or seal is AVIF), PIL's font and colour-management engines (FreeType,
# HarfBuzz, LittleCMS: text is drawn by ReportLab and Qt), lxml's objectify and html modules (python-docx
# and openpyxl use lxml.etree), Japanese and Korean codecs (files are read as UTF-8 or GB18030), and
# Python's OpenSSL bindings (5 MB of libcrypto/libssl): nothing opens a TLS connection (PostgreSQL's TLS
# is libpq's own), hashlib falls back to its built-in SHA-2/SHA-3/BLAKE2/MD5, and the certificates'
# Ed25519, AES-GCM and Argon2 come from cryptography, which carries its own OpenSSL. fontTools cuts the
# certificate font at build time (tools/certfont.py); pypdf would use it if present, and works without it.
UNUSED_PYTHON = ("tkinter", "pytest", "hypothesis", "IPython", "numpy", "doctest", "unittest", "pydoc", "pdb",
                 "setuptools", "pkg_resources", "distutils", "pip", "pygments", "PIL._avif", "PIL.AvifImagePlugin",
                 "PIL._imagingft", "PIL._imagingcms", "PIL.ImageQt", "PIL.ImageTk", "lxml.objectify", "lxml.html",
                 "lxml.isoschematron", "_codecs_jp", "_codecs_kr", "_codecs_iso2022", "ssl", "_ssl", "_hashlib",
                 "fontTools")
# Linux: psycopg's C implementation imports ssl (so that Python's libcrypto callbacks are set up before libpq
# uses the same libcrypto): there the ssl module stays, over the system's OpenSSL (libssl3, which libpq5 needs).
NEEDED_ON_LINUX = frozenset({"ssl", "_ssl"})
# Qt plugins PySide6's hooks collect that the app never loads, by folder (any file) or by file stem.
DROP_PLUGIN_FOLDERS = frozenset({
    "generic",                 # evdev/tslib input for the framebuffer platforms
    "networkinformation",      # QNetworkInformation backends: no network code
    "tls",                     # TLS backends: no network code
    "multimedia",              # the FFmpeg media backend (with ~20 MB of libav*): QSoundEffect plays WAVs without it
    "wayland-decoration-client", "wayland-graphics-integration-client", "wayland-shell-integration",
    "egldeviceintegrations",   # EGLFS (embedded, no window system)
    "platformthemes",          # the GTK 3 theme (pulls GTK, cairo, pango...) and the portal theme; the app has its own
    "qmltooling", "sqldrivers", "position", "sensors", "canbus", "texttospeech", "virtualkeyboard",
})
DROP_PLUGIN_STEMS = frozenset({
    # platforms: framebuffer, EGL, Vulkan and VNC ones, and Wayland (its shell integrations would have to come
    # too; on a Wayland desktop Qt falls back to xcb through XWayland)
    "qeglfs", "qlinuxfb", "qminimalegl", "qvkkhrdisplay", "qvnc", "qwayland", "qwayland-egl", "qwayland-generic",
    "qtvirtualkeyboardplugin",                      # input context that needs Qt Quick; ibus and compose stay
    "qpdf", "qtiff", "qtga", "qwbmp", "qicns",      # image formats no icon, seal or material uses
})
# Qt's catalogues: the app installs only qtbase_zh_CN (English is Qt's own language).
KEEP_QT_TRANSLATIONS = re.compile(r"qtbase_zh_CN\.qm")
# Linux: libraries that the Debian packages of `tools/system_deps.sh run` (the documented runtime requirements:
# X11/xcb, D-Bus, fontconfig/FreeType, GLib, xkbcommon, PulseAudio, libpq) and their dependencies provide, as
# AppImage's excludelist does: the system's copies match its X server, D-Bus daemon, font configuration and sound
# server, and libpq (psycopg's C implementation links it) comes with the system's OpenSSL, Kerberos and LDAP.
# The same closure (apt-cache depends --recurse on Debian 12) has the C++ runtime (libstdc++6, libgcc-s1: Qt,
# shiboken, zxing-cpp), Kerberos (libgssapi-krb5-2...: Qt Network), zlib, bzip2, xz, zstd, brotli, libffi,
# libuuid and SQLite (libsqlite3-0): the bundle's copies of these were the build system's own, taken from
# the same Debian packages, so the system's copies are what the bundled binaries were built against.
# Libraries only these needed (libsystemd, libgcrypt, libsndfile and its codecs...) go with them. Libraries
# with their own copies in the wheels (Qt's ICU, Pillow's libjpeg/libzstd-<hash>...) are other files and stay.
SYSTEM_LIBS = re.compile(r"lib(X11|X11-xcb|Xau|Xdmcp|Xext|Xrender|xcb-[a-z0-9-]+|xkbcommon|xkbcommon-x11|dbus-1|fontconfig"
                         r"|freetype|glib-2\.0|gthread-2\.0|gobject-2\.0|gio-2\.0|gmodule-2\.0|pulse|pulse-simple"
                         r"|pulse-mainloop-glib|pulsecommon-[0-9.]+|pq"
                         r"|stdc\+\+|gcc_s|gssapi_krb5|krb5|k5crypto|krb5support|com_err|keyutils"
                         r"|z|bz2|lzma|zstd|brotlicommon|brotlidec|ffi|uuid|sqlite3)\.so(\.[0-9]+)*")
# Linux: OpenSSL (Python's ssl module, which psycopg's C implementation imports, and libpq link it; Qt's TLS
# plugins, which open it with dlopen, are dropped) is the system's too: libssl3, which libpq5 depends on.
# cryptography links its own copy statically.
OPENSSL_LIBS = re.compile(r"lib(ssl|crypto)\.so\.3")


def unused_python(linux: bool) -> tuple[str, ...]:
    """The modules build.spec excludes on this platform."""
    return tuple(m for m in UNUSED_PYTHON if not (linux and m in NEEDED_ON_LINUX))


def parts(dest: str) -> list[str]:
    return dest.replace("\\", "/").split("/")


def stem(dest: str) -> str:
    name = parts(dest)[-1]
    return (name[3:] if name.startswith("lib") else name).split(".")[0]


def unused_plugin(dest: str) -> bool:
    folders = parts(dest)[:-1]
    if "plugins" not in folders:
        return False
    return folders[folders.index("plugins") + 1] in DROP_PLUGIN_FOLDERS or stem(dest) in DROP_PLUGIN_STEMS


def unused_translation(dest: str) -> bool:
    path = parts(dest)
    return "Qt" in path and path[-2:-1] == ["translations"] and not KEEP_QT_TRANSLATIONS.fullmatch(path[-1])


# A wheel's private copy of a library (auditwheel renames it libxcb-9065bb12.so.1.1.0 and its users link that
# name): PyInstaller puts these at the top level too, and the system has no file of that name.
WHEEL_COPY = re.compile(r"lib[^/]*-[0-9a-f]{8}\.so(\.[0-9]+)*")


def unused_library(dest: str, linux: bool) -> bool:
    """A top-level shared library the Linux bundle leaves to the system or does not need."""
    path = parts(dest)
    if not linux or len(path) != 1 or WHEEL_COPY.fullmatch(path[0]):
        return False
    return (SYSTEM_LIBS.fullmatch(path[0]) or OPENSSL_LIBS.fullmatch(path[0])) is not None


def elf_sections(data: bytes) -> list[tuple[int, ...]]:
    """The section headers of an ELF64 little-endian file (name, type, flags, addr, offset, size, link, ...)."""
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ValueError("not a 64-bit little-endian ELF file")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    return [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]


def elf_needed(path: Path) -> set[str]:
    """The libraries an ELF file links to directly (its DT_NEEDED entries; ``ldd`` lists them transitively)."""
    data = path.read_bytes()
    sections = elf_sections(data)
    names = set()
    for _name, sh_type, _flags, _addr, offset, size, link, _info, _align, _entsize in sections:
        if sh_type != 6:                         # SHT_DYNAMIC
            continue
        strtab = sections[link][4]
        for pos in range(offset, offset + size, 16):
            tag, value = struct.unpack_from("<qQ", data, pos)
            if tag == 0:                         # DT_NULL
                break
            if tag == 1:                         # DT_NEEDED
                names.add(data[strtab + value:data.index(b"\0", strtab + value)].decode())
    return names


def linked_libraries(src: str) -> set[str]:
    """Names of the libraries ``src`` links to directly: ELF read here, PE/Mach-O through PyInstaller."""
    with open(src, "rb") as f:
        elf = f.read(6) == b"\x7fELF\x02\x01"          # 64-bit little-endian ELF
    if elf:
        return elf_needed(Path(src))
    from PyInstaller.depend.bindepend import get_imports  # direct imports on Windows and macOS

    return {os.path.basename(name) for name, _path in get_imports(src)}


def without_orphans(binaries: Iterable[Entry], dropped: Collection[str],
                    needs: Callable[[str], set[str]] = linked_libraries) -> tuple[list[Entry], set[str]]:
    """Drop the entries named in ``dropped``, then every shared library that only dropped ones link to,
    repeatedly. A library nothing links to (one opened with dlopen) is kept: a hook collected it for a reason.
    Returns the entries kept and the names of all removed ones."""
    binaries = list(binaries)
    links = {dest: needs(src) for dest, src, typecode in binaries if typecode != "SYMLINK"}
    removed = set(dropped)
    while True:
        users: dict[str, set[str]] = defaultdict(set)
        for dest, names in links.items():
            for name in names:
                users[name].add(dest)
        orphans = {dest for dest, _src, typecode in binaries if typecode == "BINARY" and dest not in removed
                   and users[parts(dest)[-1]] and users[parts(dest)[-1]] <= removed}
        if not orphans:
            return [entry for entry in binaries if entry[0] not in removed], removed
        removed |= orphans


def without_dangling_links(entries: Iterable[Entry], removed: Collection[str]) -> list[Entry]:
    """Drop the SYMLINK entries whose target was removed (PyInstaller links top-level names to libraries in
    package folders, e.g. libQt6Core.so.6 -> PySide6/Qt/lib/libQt6Core.so.6)."""
    gone = {"/".join(parts(dest)) for dest in removed}
    kept = []
    for dest, src, typecode in entries:
        target = posixpath.normpath(posixpath.join(posixpath.dirname("/".join(parts(dest))), "/".join(parts(src))))
        if typecode == "SYMLINK" and target in gone:
            continue
        kept.append((dest, src, typecode))
    return kept
