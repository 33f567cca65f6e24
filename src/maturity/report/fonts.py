"""Which font files the report uses, and whether they cover every character of a document.

Default: the pinned PyPI packages ``noto-cjk-sans-jp-regular`` / ``-bold`` (genuine Noto Sans CJK, OFL-1.1,
real Bold, full coverage including Ext-B). With ``<html lang="zh-CN">`` HarfBuzz's ``locl`` feature gives the
Simplified Chinese glyph forms. ``--font`` may name a font file (OTF/TTF/TTC) or an installed family
(resolved through ``fc-list``). Nothing here imports WeasyPrint.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from maturity.errors import RenderError

FAMILY = "ReportCJK"  # the @font-face family every template and SVG uses
FONT_SUFFIXES = (".otf", ".ttf", ".ttc", ".otc")
INSTALL_HINT = (
    "默认字体随安装一起提供（pip 包 noto-cjk-sans-jp-regular 与 noto-cjk-sans-jp-bold）。请在同一环境中运行：\n"
    '  pip install "noto-cjk-sans-jp-regular==0.0.1" "noto-cjk-sans-jp-bold==0.0.1"\n'
    "或用 --font 指定一个中文字体文件（如 NotoSansCJK-Regular.ttc、msyh.ttc、PingFang.ttc），"
    '也可给出已安装的字体名称（如 "Noto Sans CJK SC"）。'
)


@dataclass(frozen=True)
class FontChoice:
    """The font files behind the ``ReportCJK`` family."""

    regular: Path
    bold: Path | None  # None: no real bold available (headings use the regular face)
    origin: str  # human description, shown by `maturity doctor`

    @property
    def files(self) -> tuple[Path, ...]:
        return (self.regular,) if self.bold is None else (self.regular, self.bold)


def _package_font(module: str, filename: str) -> Path | None:
    try:
        from importlib.resources import files

        p = Path(str(files(module).joinpath(filename)))
    except (ModuleNotFoundError, TypeError):
        return None
    return p if p.is_file() else None


def bundled_font() -> FontChoice:
    regular = _package_font("noto_cjk_sans_jp_regular", "NotoSansCJKjp-Regular.otf")
    bold = _package_font("noto_cjk_sans_jp_bold", "NotoSansCJKjp-Bold.otf")
    if regular is None:
        raise RenderError(
            "找不到报告使用的中文字体（Noto Sans CJK，随 pip 包 noto-cjk-sans-jp-regular 提供）。",
            hint=INSTALL_HINT,
        )
    return FontChoice(regular, bold, "内置 Noto Sans CJK（pip 包 noto-cjk-sans-jp-regular/-bold 0.0.1）")


def _bold_sibling(path: Path) -> Path | None:
    for a, b in (("Regular", "Bold"), ("regular", "bold"), ("-R.", "-B."), ("Light", "Bold")):
        if a in path.name:
            cand = path.with_name(path.name.replace(a, b))
            if cand.is_file() and cand != path:
                return cand
    return None


def _fc_list(family: str) -> list[Path]:
    exe = shutil.which("fc-list")
    if exe is None:
        return []
    try:
        res = subprocess.run(
            [exe, f"{family}", "file", "style"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return []
    regular: list[Path] = []
    other: list[Path] = []
    for line in res.stdout.splitlines():
        file, _, style = line.partition(":")
        p = Path(file.strip())
        if p.suffix.lower() not in FONT_SUFFIXES:
            continue
        (regular if re.search(r"Regular|Normal|Book|常规", style) else other).append(p)
    return regular + other


def resolve_font(font: str | os.PathLike[str] | None = None) -> FontChoice:
    """The bundled font, a font file, or an installed family; RenderError with an install hint if none."""
    if font is None or str(font) == "":
        return bundled_font()
    text = str(font)
    path = Path(text).expanduser()
    looks_like_path = path.suffix.lower() in FONT_SUFFIXES or os.sep in text or "/" in text
    if looks_like_path:
        if not path.is_file():
            raise RenderError(f"字体文件不存在：{path}", hint=INSTALL_HINT)
        if path.suffix.lower() not in FONT_SUFFIXES:
            raise RenderError(f"不支持的字体文件类型：{path.name}（应为 .otf、.ttf 或 .ttc）")
        path = path.resolve()
        return FontChoice(path, _bold_sibling(path), f"字体文件 {path}")
    found = _fc_list(text)
    if not found:
        raise RenderError(
            f"系统中找不到名为“{text}”的字体。",
            hint="可运行 fc-list :lang=zh family 查看已安装的中文字体，"
            "或用 --font 直接给出字体文件路径。\n" + INSTALL_HINT,
        )
    regular = found[0].resolve()
    return FontChoice(regular, _bold_sibling(regular), f"系统字体“{text}”（{regular}）")


# ---- coverage -------------------------------------------------------------------------------
@cache
def font_codepoints(path: Path) -> frozenset[int]:
    """Every code point the font's best cmap maps (face 0 of a collection). Cached per process, and on
    disk as plain code-point ranges (reading a 65k-glyph CJK cmap with fontTools takes 0.2-0.3 s)."""
    entry, key = _cmap_entry(path)
    cached = _read_cmap(entry, key)
    if cached is not None:
        return cached
    cps = _read_font_cmap(path)
    _write_cmap(entry, key, cps)
    return cps


def _read_font_cmap(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTCollection, TTFont, TTLibError

    try:
        if path.suffix.lower() in (".ttc", ".otc"):
            coll = TTCollection(str(path), lazy=True)
            font = coll.fonts[0]
        else:
            font = TTFont(str(path), lazy=True, fontNumber=0)
        cmap = font.getBestCmap() or {}
    except (OSError, TTLibError, AssertionError, KeyError) as e:
        raise RenderError(f"无法读取字体文件 {path}：{e}", hint=INSTALL_HINT) from None
    return frozenset(cmap)


def _cmap_entry(path: Path) -> tuple[Path | None, str]:
    import hashlib

    try:
        st = path.stat()
    except OSError:
        return None, ""
    key = f"cmap 1|{path.resolve()}|{st.st_size}|{st.st_mtime_ns}"
    name = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:24]
    return cache_dir() / f"{path.stem}-{name}.cmap.json", key


def _read_cmap(entry: Path | None, key: str) -> frozenset[int] | None:
    """The cached code points, or None when absent, stale or malformed (then the font is read again)."""
    import json

    if entry is None:
        return None
    try:
        doc = json.loads(entry.read_bytes())
        if doc["key"] != key:
            return None
        cps: set[int] = set()
        for lo, hi in doc["ranges"]:
            if not (isinstance(lo, int) and isinstance(hi, int) and 0 <= lo <= hi <= 0x10FFFF):
                return None
            cps.update(range(lo, hi + 1))
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return None
    return frozenset(cps)


def _write_cmap(entry: Path | None, key: str, cps: frozenset[int]) -> None:
    import json

    if entry is None:
        return
    ranges: list[list[int]] = []
    for c in sorted(cps):
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1][1] = c
        else:
            ranges.append([c, c])
    from maturity.load.cache import write_entry  # unwritable cache: the font's cmap is read each time

    write_entry(entry, json.dumps({"key": key, "ranges": ranges}, separators=(",", ":")))


def _visible(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return not (cat.startswith("Z") or cat.startswith("C"))


def missing_characters(text: str, choice: FontChoice) -> list[str]:
    """Characters of ``text`` the regular face cannot draw (whitespace and controls ignored), sorted."""
    have = font_codepoints(choice.regular)
    return sorted({ch for ch in set(text) if ord(ch) not in have and _visible(ch)})


def describe_missing(chars: list[str], limit: int = 30) -> str:
    shown = "、".join(f"“{c}”(U+{ord(c):04X})" for c in chars[:limit])
    more = f" 等 {len(chars)} 个" if len(chars) > limit else ""
    return shown + more


def check_coverage(text: str, choice: FontChoice) -> None:
    missing = missing_characters(text, choice)
    if missing:
        raise RenderError(
            f"字体 {choice.regular.name} 缺少报告中的 {len(missing)} 个字符：{describe_missing(missing)}。"
            "为避免 PDF 中出现方框（豆腐块），未生成报告。",
            hint="请用 --font 换用覆盖更全的中文字体（如 Noto Sans CJK / 思源黑体），或修改答卷中的这些字符。",
        )


# ---- compact working copy of a CJK font --------------------------------------------------------
# WeasyPrint 70 subsets embedded fonts with HarfBuzz keeping glyph ids ("retain GIDs") up to the highest
# one used. Noto Sans CJK's Simplified-Chinese forms (reached through `locl` with lang="zh-CN") sit near
# the end of its 65k glyphs, so every embedded subset carried ~150 KB of empty glyph slots, twice (Regular
# and Bold). We therefore render from a compact working copy: the chosen font subset by HarfBuzz to a
# fixed repertoire (GB 2312, Latin, punctuation) plus any other character of the document, glyphs
# renumbered, GSUB kept so `locl` still gives Simplified forms. It is built once and cached on disk.
REPERTOIRE_VERSION = "2"
_HB_SETS_UNICODE = 1


def _repertoire() -> frozenset[int]:
    cps = (
        set(range(0x20, 0x180))
        | set(range(0x2000, 0x2070))
        | set(range(0x3000, 0x3040))
        | set(range(0xFF00, 0xFFF0))
        | set(range(0x2100, 0x2300))
        | set(range(0x2460, 0x2500))
        | set(range(0x25A0, 0x2600))
    )  # letterlike, arrows, math, enclosed numbers, list-marker shapes
    # Every GB 2312 character, found by decoding its code table (rows and cells 0xA1-0xFE) rather than by
    # trying to encode all 65k BMP code points (4x slower); tests check the two give the same set.
    for hi in range(0xA1, 0xFF):
        for lo in range(0xA1, 0xFF):
            try:
                ch = bytes((hi, lo)).decode("gb2312")
            except UnicodeDecodeError:
                continue
            cps.add(ord(ch))
    return frozenset(cps)


@cache
def repertoire() -> frozenset[int]:
    return _repertoire()


def cache_dir() -> Path:
    base = (
        os.environ.get("MATURITY_CACHE_DIR")
        or os.environ.get("XDG_CACHE_HOME")
        or str(Path.home() / ".cache")
    )
    return Path(base) / "maturity" / "fonts"


@cache
def _harfbuzz() -> tuple[Any, Any] | None:
    """(libharfbuzz, libharfbuzz-subset) through ctypes, or None when HarfBuzz-subset is missing."""
    import ctypes
    import ctypes.util

    names = {
        "hb": ["libharfbuzz.so.0", "libharfbuzz.0.dylib", "libharfbuzz-0.dll"],
        "hbs": ["libharfbuzz-subset.so.0", "libharfbuzz-subset.0.dylib", "libharfbuzz-subset-0.dll"],
    }
    libs = {}
    for key, cands in names.items():
        found = ctypes.util.find_library("harfbuzz" if key == "hb" else "harfbuzz-subset")
        for name in ([found] if found else []) + cands:
            try:
                libs[key] = ctypes.CDLL(name)
                break
            except OSError:
                continue
        if key not in libs:
            return None
    hb, hbs = libs["hb"], libs["hbs"]
    vp = ctypes.c_void_p
    try:
        hb.hb_blob_create_from_file.restype = vp
        hb.hb_blob_create_from_file.argtypes = [ctypes.c_char_p]
        hb.hb_face_create.restype = vp
        hb.hb_face_create.argtypes = [vp, ctypes.c_uint]
        hb.hb_set_add.argtypes = [vp, ctypes.c_uint32]
        hb.hb_face_reference_blob.restype = vp
        hb.hb_face_reference_blob.argtypes = [vp]
        hb.hb_blob_get_data.restype = ctypes.POINTER(ctypes.c_char)
        hb.hb_blob_get_data.argtypes = [vp, ctypes.POINTER(ctypes.c_uint)]
        hb.hb_blob_destroy.argtypes = [vp]
        hb.hb_face_destroy.argtypes = [vp]
        hbs.hb_subset_input_create_or_fail.restype = vp
        hbs.hb_subset_input_set.restype = vp
        hbs.hb_subset_input_set.argtypes = [vp, ctypes.c_int]
        hbs.hb_subset_or_fail.restype = vp
        hbs.hb_subset_or_fail.argtypes = [vp, vp]
        hbs.hb_subset_input_destroy.argtypes = [vp]
    except AttributeError:
        return None
    return hb, hbs


def harfbuzz_subset_available() -> bool:
    return _harfbuzz() is not None


def _hb_subset(src: Path, codepoints: frozenset[int]) -> bytes | None:
    import ctypes

    libs = _harfbuzz()
    if libs is None:
        return None
    hb, hbs = libs
    blob = hb.hb_blob_create_from_file(str(src).encode())
    face = hb.hb_face_create(blob, 0)
    inp = hbs.hb_subset_input_create_or_fail()
    out = out_blob = None
    try:
        if not inp:
            return None
        uset = hbs.hb_subset_input_set(inp, _HB_SETS_UNICODE)
        for c in sorted(codepoints):
            hb.hb_set_add(uset, c)
        out = hbs.hb_subset_or_fail(face, inp)
        if not out:
            return None
        out_blob = hb.hb_face_reference_blob(out)
        n = ctypes.c_uint()
        ptr = hb.hb_blob_get_data(out_blob, ctypes.byref(n))
        return ctypes.string_at(ptr, n.value) if n.value else None
    finally:
        if out_blob:
            hb.hb_blob_destroy(out_blob)
        if out:
            hb.hb_face_destroy(out)
        if inp:
            hbs.hb_subset_input_destroy(inp)
        hb.hb_face_destroy(face)
        hb.hb_blob_destroy(blob)


def _compact_file(src: Path, extra: frozenset[int]) -> Path | None:
    import hashlib
    import tempfile

    st = src.stat()
    key = hashlib.sha256(
        f"{REPERTOIRE_VERSION}|{src}|{st.st_size}|{st.st_mtime_ns}|{','.join(map(str, sorted(extra)))}".encode()
    ).hexdigest()[:24]
    name = f"{src.stem}-{key}{src.suffix if src.suffix.lower() in ('.otf', '.ttf') else '.otf'}"
    for folder in (
        cache_dir(),
        Path(tempfile.gettempdir()) / f"maturity-fonts-{os.getuid() if hasattr(os, 'getuid') else 0}",
    ):
        target = folder / name
        if target.is_file() and target.stat().st_size > 0:
            return target
    if src.suffix.lower() in (".ttc", ".otc"):
        return None  # face selection inside collections is not worth the risk here; use the original
    data = _hb_subset(src, repertoire() | extra)
    if data is None:
        return None
    for folder in (
        cache_dir(),
        Path(tempfile.gettempdir()) / f"maturity-fonts-{os.getuid() if hasattr(os, 'getuid') else 0}",
    ):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".font.", dir=folder)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, folder / name)
            return folder / name
        except OSError:
            continue
    return None


_COMPACT: dict[tuple, FontChoice] = {}


def compact(choice: FontChoice, text: str = "") -> FontChoice:
    """A FontChoice pointing at compact working copies that cover ``text``; the original if that fails."""
    full = font_codepoints(choice.regular)
    extra = frozenset(
        ord(c) for c in set(text) if ord(c) not in repertoire() and ord(c) in full and ord(c) > 0x20
    )
    key = (choice, extra)
    hit = _COMPACT.get(key)
    if hit is not None:
        return hit
    regular = _compact_file(choice.regular, extra)
    bold = _compact_file(choice.bold, extra) if choice.bold is not None else None
    if regular is None or (choice.bold is not None and bold is None):
        result = choice
    else:
        result = FontChoice(regular, bold, choice.origin)
    _COMPACT[key] = result
    return result
