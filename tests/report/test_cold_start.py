"""Report start-up helpers: the on-disk cmap cache, the GB 2312 repertoire, WeasyPrint's library lookup."""

from __future__ import annotations

import json
import sys

import pytest

from maturity.report import fonts, pdf


def test_repertoire_is_every_gb2312_character():
    def encodable(c: int) -> bool:
        try:
            chr(c).encode("gb2312")
        except UnicodeEncodeError:
            return False
        return True

    slow = {c for c in range(0x80, 0x10000) if encodable(c)}
    assert slow <= fonts.repertoire()
    assert {c for c in fonts.repertoire() if c >= 0x80} - slow <= set(range(0x80, 0x180)) | set(
        range(0x2000, 0x2070)
    ) | set(range(0x3000, 0x3040)) | set(range(0xFF00, 0xFFF0)) | set(range(0x2100, 0x2300)) | set(
        range(0x2460, 0x2500)
    ) | set(range(0x25A0, 0x2600))


@pytest.fixture
def font_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("MATURITY_CACHE_DIR", str(tmp_path))
    fonts.font_codepoints.cache_clear()
    yield tmp_path / "maturity" / "fonts"
    fonts.font_codepoints.cache_clear()


@pytest.mark.slow
def test_cmap_cache_gives_the_fonts_own_cmap(font_cache):
    path = fonts.bundled_font().regular
    direct = fonts._read_font_cmap(path)
    assert fonts.font_codepoints(path) == direct
    entries = list(font_cache.glob("*.cmap.json"))
    assert len(entries) == 1
    fonts.font_codepoints.cache_clear()
    assert fonts.font_codepoints(path) == direct  # now from the entry
    assert 0x20BB7 in direct and 0x4E2D in direct


@pytest.mark.parametrize("garbage", ['{"key": "x", "ranges": []}', "{broken", '{"ranges": [[1, 2]]}', None])
def test_a_bad_cmap_entry_is_ignored_and_rewritten(font_cache, garbage):
    path = fonts.bundled_font().regular
    entry, key = fonts._cmap_entry(path)
    entry.parent.mkdir(parents=True)
    if garbage is None:  # the right key but nonsense ranges
        garbage = json.dumps({"key": key, "ranges": [[5, 2], ["a", 3]]})
    entry.write_text(garbage, encoding="utf-8")
    assert fonts.font_codepoints(path) == fonts._read_font_cmap(path)
    assert json.loads(entry.read_text(encoding="utf-8"))["key"] == key


def test_unwritable_font_cache_is_no_error(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("MATURITY_CACHE_DIR", str(blocker))
    fonts.font_codepoints.cache_clear()
    try:
        path = fonts.bundled_font().regular
        assert 0x4E2D in fonts.font_codepoints(path)
    finally:
        fonts.font_codepoints.cache_clear()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the quick lookup is Linux only")
def test_quick_library_lookup_finds_what_weasyprint_needs(monkeypatch):
    import ctypes.util

    monkeypatch.delitem(sys.modules, "weasyprint", raising=False)  # the helper is a no-op once loaded
    original = ctypes.util.find_library
    with pdf._quick_find_library():
        assert ctypes.util.find_library is not original
        assert ctypes.util.find_library("libgobject-2.0-0") is None  # WeasyPrint then tries the file name
        for name in ("gobject-2.0", "pango-1.0", "fontconfig"):
            found = ctypes.util.find_library(name)
            assert found is None or found.startswith(f"lib{name}.so")
    assert ctypes.util.find_library is original
