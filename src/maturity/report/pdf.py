"""HTML -> PDF with WeasyPrint, safely and fast.

- ``weasyprint`` is imported lazily (it costs 0.5–0.9 s), so the CLI starts fast.
- One FontConfiguration and the parsed stylesheets are cached per process and reused across reports.
- The URL fetcher serves only files inside the template folder(s) and the font files: no network, no other
  ``file://`` path. Refused URLs are recorded.
- ``.notdef`` warnings (a glyph missing from every font) become a RenderError; no PDF is written then.
- Output is written atomically (temp file + rename) and never overwrites without ``force``.
"""

from __future__ import annotations

import atexit
import logging
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from maturity.errors import RenderError
from maturity.report.fonts import FontChoice, check_coverage
from maturity.report.html import STYLESHEET, find_file, font_face_css

_LOCK = threading.Lock()
_ENGINE_LOCK = threading.Lock()


def _free_caches() -> None:  # while the modules they hold are still alive
    _CSS.clear()
    _FONT_CONFIGS.clear()


atexit.register(_free_caches)
_FONT_CONFIGS: dict[tuple[Path, ...], Any] = {}
_CSS: dict[tuple, list[Any]] = {}


def engine() -> Any:
    """The weasyprint module (imported on first use, with the same clean error as a render)."""
    return _weasyprint()


def _weasyprint() -> Any:
    try:
        with _ENGINE_LOCK, _quick_find_library():  # one import at a time: a warm-up thread may be importing
            import weasyprint
    except OSError as e:  # missing Pango / GObject shared libraries
        raise RenderError(
            f"无法加载 PDF 引擎 WeasyPrint 所需的系统库：{e}",
            hint="Debian/Ubuntu：sudo apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0；"
            "macOS：brew install pango；Windows：安装 GTK3 运行库或使用 WSL。可运行 maturity doctor 检查。",
        ) from None
    return weasyprint


@contextmanager
def _quick_find_library() -> Iterator[None]:
    """While WeasyPrint loads Pango & co, answer ``ctypes.util.find_library`` from one ``ldconfig -p``.

    WeasyPrint tries names like ``libgobject-2.0-0`` first; cffi passes each to ``find_library``, which on
    Linux runs ``ldconfig -p`` and then ``gcc`` and ``ld`` for every name (22 names, about 0.25 s of a cold
    start where gcc is installed). Here a name missing from the ldconfig cache is simply not found, and
    WeasyPrint goes on to the exact file names (``libgobject-2.0.so.0``), which dlopen resolves as always.
    Elsewhere than Linux nothing changes.
    """
    import sys

    if not sys.platform.startswith("linux") or "weasyprint" in sys.modules:
        yield
        return
    import ctypes.util

    original = ctypes.util.find_library
    found: dict[str, str | None] = {}
    table: list[str] = []

    def quick(name: str) -> str | None:
        if name not in found:
            if not table:
                table.append(_ldconfig())
            pattern = rf"\s(lib{re.escape(name)}\.so[^\s]*) \(([^)]*)\)"
            found[name] = next(
                (m.group(1) for m in re.finditer(pattern, table[0]) if _same_abi(m.group(2))), None
            )
        return found[name]

    ctypes.util.find_library = quick
    try:
        yield
    finally:
        ctypes.util.find_library = original


def _ldconfig() -> str:
    import os
    import subprocess

    for exe in ("/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig"):
        try:
            res = subprocess.run(
                [exe, "-p"],
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
                env=dict(os.environ, LC_ALL="C", LANG="C"),
            )
        except (OSError, subprocess.SubprocessError):
            continue
        return res.stdout
    return ""


def _same_abi(flags: str) -> bool:
    import platform
    import struct

    wide = struct.calcsize("P") == 8
    return ("64" in flags) == wide or platform.machine() not in ("x86_64", "aarch64", "ppc64le", "s390x")


# ---- URL fetcher ------------------------------------------------------------------------------
def _within(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


def make_fetcher(roots: tuple[Path, ...], files: tuple[Path, ...]) -> Any:
    """A WeasyPrint URLFetcher limited to ``roots`` (folders) and ``files``; everything else is refused."""
    from weasyprint.urls import URLFetcher

    roots = tuple(r.resolve() for r in roots)
    allowed_files = frozenset(f.resolve() for f in files)

    class SafeFetcher(URLFetcher):
        def __init__(self) -> None:
            super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)
            self.refused: list[str] = []

        def _local(self, url: str) -> Path | None:
            parts = urlsplit(url)
            if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
                return None
            p = Path(unquote(parts.path)).resolve()
            if p in allowed_files:
                return p
            for root in roots:
                if _within(p, root):
                    if p.is_file():
                        return p
                    # a relative URL resolved against the user folder may name a bundled file
                    rel = p.relative_to(root)
                    for other in roots:
                        cand = (other / rel).resolve()
                        if _within(cand, other) and cand.is_file():
                            return cand
                    return p
            return None

        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                return super().fetch(url, headers)
            local = self._local(url) if scheme == "file" else None
            if local is None:
                self.refused.append(url)
                raise ValueError(f"refused by maturity report: {url}")
            return super().fetch(local.as_uri(), headers)

    return SafeFetcher()


# ---- .notdef / warnings capture ---------------------------------------------------------------
@dataclass
class _Capture(logging.Handler):
    notdef: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        logging.Handler.__init__(self, level=logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            msg = record.getMessage()
        except Exception:  # a broken log call must not break rendering
            return
        if ".notdef" in msg:
            if len(record.args or ()) >= 1:
                self.notdef.append(str(record.args[0]))  # type: ignore[index]
            else:
                self.notdef.append(msg)
        else:
            self.messages.append(msg)

    __hash__ = logging.Handler.__hash__


@contextmanager
def _captured_log() -> Iterator[_Capture]:
    """Collect WeasyPrint's log records while rendering: .notdef glyphs become an error, other warnings
    are reported by the caller; with our handler attached none of them reach the terminal raw."""
    capture = _Capture()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(capture)
    try:
        yield capture
    finally:
        logger.removeHandler(capture)


# ---- cached engine state -----------------------------------------------------------------------
def font_config(font: FontChoice) -> Any:
    with _LOCK:
        cfg = _FONT_CONFIGS.get(font.files)
        if cfg is None:
            from weasyprint.text.fonts import FontConfiguration

            cfg = FontConfiguration()
            _FONT_CONFIGS[font.files] = cfg
        return cfg


def stylesheets(font: FontChoice, paths: tuple[Path, ...]) -> list[Any]:
    """[font-face CSS, report.css] parsed once per (font, stylesheet file and mtime) and reused."""
    wp = _weasyprint()
    css_file = find_file(STYLESHEET, paths)
    st = css_file.stat()
    key = (font.files, paths, css_file, st.st_mtime_ns, st.st_size)
    with _LOCK:
        cached = _CSS.get(key)
    if cached is not None:
        return cached
    cfg = font_config(font)
    fetcher = make_fetcher(paths, font.files)
    with _captured_log():  # CSS parse warnings (e.g. a user's unsupported property) are not printed raw
        sheets = [
            wp.CSS(string=font_face_css(font), font_config=cfg, url_fetcher=fetcher),
            wp.CSS(
                filename=str(css_file),
                font_config=cfg,
                url_fetcher=fetcher,
                base_url=css_file.parent.as_uri() + "/",
            ),
        ]
    with _LOCK:
        _CSS[key] = sheets
    return sheets


def stylesheet_text(font: FontChoice, paths: tuple[Path, ...]) -> str:
    """The CSS for a standalone --html file: the @font-face rules plus report.css."""
    return font_face_css(font) + find_file(STYLESHEET, paths).read_text(encoding="utf-8")


@dataclass
class PdfResult:
    data: bytes
    pages: int
    refused: list[str]
    warnings: list[str]


def html_to_pdf(
    html: str, font: FontChoice, paths: tuple[Path, ...], *, check_fonts: bool = True
) -> PdfResult:
    """Render ``html`` (already checked for coverage by the caller or here) to PDF bytes."""
    wp = _weasyprint()
    if check_fonts:
        check_coverage(visible_text(html, paths), font)
    sheets = stylesheets(font, paths)
    cfg = font_config(font)
    fetcher = make_fetcher(paths, font.files)
    with _captured_log() as capture:
        try:
            doc = wp.HTML(string=html, base_url=paths[0].as_uri() + "/", url_fetcher=fetcher).render(
                font_config=cfg, stylesheets=sheets
            )
            clean_metadata(doc.metadata)
            data = doc.write_pdf()
        except RenderError:
            raise
        except Exception as e:  # WeasyPrint raises plain exceptions on broken templates / CSS
            raise RenderError(f"PDF 排版失败：{type(e).__name__}: {e}") from e
    if capture.notdef:
        chars = sorted(set(capture.notdef))
        raise RenderError(
            f"PDF 中有 {len(chars)} 个字符没有可用字形（会显示为方框）：{'、'.join(chars[:30])}。未生成报告。",
            hint="请用 --font 换用覆盖这些字符的中文字体；运行 maturity doctor 可检查字体。",
        )
    assert data is not None
    return PdfResult(data, len(doc.pages), list(fetcher.refused), capture.messages)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def clean_text(value: str) -> str:
    """One line of plain text: control characters (newlines, tabs, ...) become one space, ends trimmed."""
    return _CONTROL.sub(" ", value).strip()


def clean_metadata(meta: Any) -> None:
    """The PDF's document information (title, author, subject, keywords) without control characters:
    a newline typed into an enterprise name must not reach the Title field."""
    for name in ("title", "description", "generator", "created", "modified"):
        value = getattr(meta, name, None)
        if isinstance(value, str):
            setattr(meta, name, clean_text(value))
    for name in ("authors", "keywords"):
        value = getattr(meta, name, None)
        if isinstance(value, list):
            setattr(meta, name, [clean_text(v) if isinstance(v, str) else v for v in value])


def visible_text(html: str, paths: tuple[Path, ...]) -> str:
    """Characters that will be drawn: the HTML's text and attribute-free content, plus CSS `content` strings."""
    import re
    from html import unescape

    body = re.sub(r"<style\b.*?</style>", " ", html, flags=re.S | re.I)
    text = unescape(re.sub(r"<[^>]*>", " ", body))
    try:
        css = find_file(STYLESHEET, paths).read_text(encoding="utf-8")
    except (RenderError, OSError):
        css = ""
    css = re.sub(r"/\*.*?\*/", " ", css, flags=re.S)
    strings = re.findall(r"\"([^\"]*)\"|'([^']*)'", css)
    text += " ".join(
        a or b for a, b in strings if not (a or b).lower().startswith(("file:", "http", "data:"))
    )
    return text + " •◦▪"  # default list markers (disc, circle, square) are drawn from the same font
