# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""What build.spec leaves out of the bundle: the trimmed ICU data still does what Qt asks of it, the
certificate font keeps every hanzi and drops kana and hangul, the libraries only dropped ones needed go
with them and no others, the app runs without the Python modules it excludes, and the bench row reads
the size of a built bundle."""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6 import __file__ as pyside_init

from bench.workloads import bundle as size_row

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import bundling  # noqa: E402
import certfont  # noqa: E402
import icudata  # noqa: E402

from core.infra.paths import CERT_FONT, font_path  # noqa: E402

QT_LIB = Path(pyside_init).parent / "Qt" / "lib"
ICU_DATA = next(QT_LIB.glob("libicudata.so.*"), None)
needs_icu = pytest.mark.skipif(ICU_DATA is None or shutil.which("ld") is None,
                               reason="Qt's Linux wheels link ICU; assembling needs binutils")

# Run with a given libicudata first on the library path (LD_LIBRARY_PATH wins over Qt's RUNPATH).
QT_ICU_PROBE = textwrap.dedent("""
    import ctypes, functools, sys
    from PySide6.QtCore import QCollator, QLocale, QTimeZone
    zh = QCollator(QLocale("zh_CN"))
    print(" ".join(sorted(["张伟", "李娜", "王芳", "阿明"], key=functools.cmp_to_key(zh.compare))))
    shanghai = QTimeZone(b"Asia/Shanghai")
    print(shanghai.displayName(QTimeZone.TimeType.StandardTime, QTimeZone.NameType.LongName, QLocale("zh_CN")))
    uc = ctypes.CDLL(sys.argv[1])
    uc.ucnv_open_{v}.restype = ctypes.c_void_p
    uc.ucnv_toUChars_{v}.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int,
                                     ctypes.POINTER(ctypes.c_int)]
    for name in ("GBK", "GB18030", "Big5"):
        err = ctypes.c_int(0)
        conv = uc.ucnv_open_{v}(name.encode(), ctypes.byref(err))
        out = (ctypes.c_uint16 * 8)()
        raw = "中文".encode(name.lower())
        n = uc.ucnv_toUChars_{v}(conv, out, 8, raw, len(raw), ctypes.byref(err)) if conv else 0
        print(name, "".join(map(chr, out[:n])) or "unavailable")
    print(next(line.split()[-1] for line in open("/proc/self/maps") if "libicudata" in line))
""")


def probe_icu(folder: Path) -> list[str]:
    assert ICU_DATA is not None
    version = ICU_DATA.name.rsplit(".", 1)[-1]
    uc = QT_LIB / f"libicuuc.so.{version}"
    env = {**os.environ, "LD_LIBRARY_PATH": str(folder), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", QT_ICU_PROBE.replace("{v}", version), str(uc)], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


@needs_icu
def test_icu_package_parses_and_rebuilds_item_for_item() -> None:
    assert ICU_DATA is not None
    symbol, blob = icudata.symbol_bytes(ICU_DATA)
    package = icudata.parse(blob)
    assert symbol.startswith("icudt") and len(package.items) > 3000
    assert icudata.parse(icudata.build(package)).items == package.items


@needs_icu
def test_trimmed_icu_sorts_by_pinyin_names_zones_and_decodes_chinese(tmp_path: Path) -> None:
    assert ICU_DATA is not None
    trimmed = tmp_path / ICU_DATA.name
    before, after = icudata.trim_library(ICU_DATA, trimmed)
    assert after < before / 5
    kept = icudata.parse(icudata.symbol_bytes(trimmed)[1]).items
    assert {"coll/zh.res", "coll/ucadata.icu", "zoneinfo64.res", "zone/zh.res", "gb18030.cnv"} <= set(kept)
    assert not {"coll/ko.res", "brkitr/cjdict.dict", "zone/fr.res", "ibm-37_P100-1995.cnv"} & set(kept)

    lines = probe_icu(tmp_path)
    assert lines == ["阿明 李娜 王芳 张伟", "中国标准时间", "GBK 中文", "GB18030 中文", "Big5 中文", str(trimmed)]


@needs_icu
def test_the_icu_probe_sees_missing_collation_data(tmp_path: Path) -> None:
    """Without the Chinese collation the same probe sorts by code point: the check above can fail."""
    assert ICU_DATA is not None
    symbol, blob = icudata.symbol_bytes(ICU_DATA)
    package = icudata.trim(icudata.parse(blob))
    del package.items["coll/zh.res"]
    icudata.write_library(symbol, icudata.build(package), tmp_path / ICU_DATA.name)
    assert probe_icu(tmp_path)[0] == "张伟 李娜 王芳 阿明"


# Rare hanzi of names (Unified Ideographs, Extension A), punctuation, pinyin and Bopomofo stay; kana, hangul,
# Greek and Cyrillic go.
CERT_KEPT = "堃昇䶮中〇，。《》（）：Aa1ǚ①㈠℃ㄅ"
CERT_DROPPED = "あアｱ한ㄱαЖ"


def cmap_of(path: Path) -> dict[int, int]:
    from reportlab.pdfbase.ttfonts import TTFont

    return TTFont("probe", str(path)).face.charToGlyph


def test_certificate_font_subset_keeps_every_hanzi_and_drops_kana_and_hangul(tmp_path: Path) -> None:
    pytest.importorskip("fontTools")
    source = font_path(CERT_FONT)
    full = cmap_of(source)
    assert all(ord(ch) in full for ch in CERT_KEPT + CERT_DROPPED)     # the checks below can fail
    target = tmp_path / CERT_FONT
    before, after = certfont.subset(source, target)
    assert after < before
    cut = cmap_of(target)
    assert [ch for ch in CERT_KEPT if ord(ch) not in cut] == []
    assert [ch for ch in CERT_DROPPED if ord(ch) in cut] == []
    hanzi = [cp for cp in full if 0x3400 <= cp <= 0x4DBF or 0x4E00 <= cp <= 0x9FFF or 0x20000 <= cp <= 0x323AF]
    assert len(hanzi) > 20_000 and all(cp in cut for cp in hanzi)
    assert set(cut) == {cp for cp in full if certfont.kept(cp)}


def test_the_built_bundle_carries_the_subset_certificate_font() -> None:
    bundled = size_row.DIST / "_internal" / "resources" / "fonts" / CERT_FONT
    if not bundled.is_file():
        pytest.skip("no bundle built (make bundle)")
    cut = cmap_of(bundled)
    assert [ch for ch in CERT_KEPT if ord(ch) not in cut] == []
    assert [ch for ch in CERT_DROPPED if ord(ch) in cut] == []


def test_libraries_only_dropped_ones_linked_go_with_them() -> None:
    links = {"libQt6Gui.so.6": {"libfontconfig.so.1", "libQt6Core.so.6"},
             "libfontconfig.so.1": {"libexpat.so.1", "libfreetype.so.6"},
             "libfreetype.so.6": {"libpng16.so.16", "libz.so.1"},
             "libQt6Core.so.6": {"libz.so.1"},
             "plugins/platforms/libqvnc.so": {"libQt6Gui.so.6", "libvncstuff.so.1"},
             "libvncstuff.so.1": set(), "libexpat.so.1": set(), "libpng16.so.16": set(), "libz.so.1": set(),
             "libdlopened.so.2": set(), "ext.cpython-311.so": {"libpng16.so.16"},
             "QtGui.abi3.cpython-311.so": {"libQt6Gui.so.6"}}
    entries = [(dest, dest, "EXTENSION" if "cpython" in dest else "BINARY") for dest in links]
    kept, removed = bundling.without_orphans(entries, {"libfontconfig.so.1", "plugins/platforms/libqvnc.so"},
                                             needs=lambda src: links[src])
    assert removed == {"libfontconfig.so.1", "plugins/platforms/libqvnc.so", "libexpat.so.1", "libfreetype.so.6",
                       "libvncstuff.so.1"}
    # libpng stays (an extension links it), libz (Qt Core), a library nothing links to (opened with dlopen)
    assert {dest for dest, _s, _t in kept} == {"libQt6Gui.so.6", "libQt6Core.so.6", "libpng16.so.16", "libz.so.1",
                                               "libdlopened.so.2", "ext.cpython-311.so", "QtGui.abi3.cpython-311.so"}


def test_links_to_removed_libraries_go_too() -> None:
    datas = [("libQt6Quick.so.6", "PySide6/Qt/lib/libQt6Quick.so.6", "SYMLINK"),
             ("libQt6Core.so.6", "PySide6/Qt/lib/libQt6Core.so.6", "SYMLINK"),
             ("resources\\fonts\\a.ttf", "/src/a.ttf", "DATA")]
    kept = bundling.without_dangling_links(datas, {"PySide6\\Qt\\lib\\libQt6Quick.so.6"})
    assert [dest for dest, _s, _t in kept] == ["libQt6Core.so.6", "resources\\fonts\\a.ttf"]


def test_elf_needed_lists_direct_links_only() -> None:
    core = QT_LIB / "libQt6Core.so.6"
    if not core.exists():
        pytest.skip("Qt's Linux libraries only")
    needed = bundling.elf_needed(core)
    assert {"libglib-2.0.so.0", "libc.so.6"} <= needed and any(n.startswith("libicuuc.so.") for n in needed)
    assert "libpcre2-8.so.0" not in needed            # GLib's, which ldd would list too


@pytest.mark.parametrize(("dest", "dropped"), [
    ("PySide6/Qt/plugins/platforms/libqvnc.so", True),
    ("PySide6/Qt/plugins/platforms/libqxcb.so", False),
    ("PySide6\\plugins\\platforms\\qwindows.dll", False),
    ("PySide6\\plugins\\multimedia\\ffmpegmediaplugin.dll", True),
    ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", True),
    ("PySide6/Qt/plugins/imageformats/libqsvg.so", False),
    ("PySide6/Qt/plugins/imageformats/libqtiff.so", True),
    ("PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so", False),
    ("PySide6/Qt/lib/libQt6Gui.so.6", False),
])
def test_plugins_left_out(dest: str, dropped: bool) -> None:
    assert bundling.unused_plugin(dest) is dropped


def test_translations_and_libraries_left_out() -> None:
    assert not bundling.unused_translation("PySide6/Qt/translations/qtbase_zh_CN.qm")
    assert bundling.unused_translation("PySide6/Qt/translations/qtbase_de.qm")
    assert bundling.unused_translation("PySide6\\translations\\qt_zh_CN.qm") is False   # not under Qt/: Windows keeps
    assert not bundling.unused_translation("resources/translations/en/foundation.json")
    assert bundling.unused_library("libX11.so.6", linux=True)
    assert bundling.unused_library("libpulsecommon-16.1.so", linux=True)
    assert bundling.unused_library("libcrypto.so.3", linux=True)
    assert bundling.unused_library("libpq.so.5", linux=True)
    assert not bundling.unused_library("psycopg_binary.libs/libpq-e9b5c9ac.so.5.18", linux=True)
    assert not bundling.unused_library("libX11.so.6", linux=False)
    assert not bundling.unused_library("pillow.libs/libxcb-9065bb12.so.1.1.0", linux=True)
    assert not bundling.unused_library("libxcb-9065bb12.so.1.1.0", linux=True)        # Pillow's, at the top level
    assert bundling.unused_library("libxcb-cursor.so.0", linux=True)
    assert bundling.unused_library("libstdc++.so.6", linux=True)
    assert bundling.unused_library("libbz2.so.1.0", linux=True)
    assert bundling.unused_library("libgssapi_krb5.so.2", linux=True)
    assert not bundling.unused_library("libzstd-40ad5e7e.so.1.5.7", linux=True)      # Pillow's own copy
    assert not bundling.unused_library("libicuuc.so.73", linux=True)                 # Qt's own ICU
    assert not bundling.unused_library("libQt6Gui.so.6", linux=True)


@pytest.mark.slow
def test_the_app_imports_and_runs_its_selftest_without_the_excluded_modules(tmp_path: Path) -> None:
    """Every module of the app imports, and --selftest passes, with build.spec's excluded modules blocked."""
    script = textwrap.dedent(f"""
        import importlib, importlib.abc, pkgutil, sys
        BLOCKED = {bundling.unused_python(linux=sys.platform.startswith("linux"))!r}

        class Block(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if any(name == b or name.startswith(b + ".") for b in BLOCKED):
                    raise ImportError(f"{{name}} is left out of the bundle")
                return None

        for name in list(sys.modules):     # hashlib and hmac again, without OpenSSL's _hashlib
            if name in ("hashlib", "hmac") or any(name == b or name.startswith(b + ".") for b in BLOCKED):
                del sys.modules[name]
        sys.meta_path.insert(0, Block())
        for package in ("base", "quizbank", "core", "gui", "cli"):
            importlib.import_module(package)
            for info in pkgutil.walk_packages(sys.modules[package].__path__, package + "."):
                importlib.import_module(info.name)
        import main
        sys.exit(main.main(["--selftest"]))
    """)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "STUDYHALL_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    assert "-> OK" in done.stdout


def test_size_row_reads_a_built_bundle(tmp_path: Path) -> None:
    folder = tmp_path / "studyhall"
    assert math.isnan(size_row.size_mb(folder))               # not built: no verdict
    assert size_row.WORKLOADS[0].meets is not None and size_row.WORKLOADS[0].meets(float("nan"), None) is None
    (folder / "_internal").mkdir(parents=True)
    (folder / ("studyhall.exe" if os.name == "nt" else "studyhall")).write_bytes(b"x" * 1_000_000)
    (folder / "_internal" / "lib.so").write_bytes(b"y" * 2_500_000)
    (folder / "_internal" / "link.so").symlink_to("lib.so")
    assert size_row.size_mb(folder) == pytest.approx(3.5)
    assert size_row.files(folder)[0] == (2_500_000, "_internal/lib.so")
    assert size_row.WORKLOADS[0].meets(3.5, None) is True
    assert size_row.WORKLOADS[0].meets(150.1, None) is False
