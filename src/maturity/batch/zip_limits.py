"""Limits on what an xlsx may unzip to, checked before memory is spent on it.

A spreadsheet is a zip of XML parts, and a small file can unzip to gigabytes ("zip bomb"). Before openpyxl
or the row reader sees a workbook, :func:`check_archive` refuses it when

* it has more than :data:`MAX_ENTRIES` parts, or its parts unzip to more than :data:`MAX_TOTAL_BYTES`;
* a worksheet or the shared strings would unzip to more than :data:`MAX_PART_BYTES`, any other XML part
  (openpyxl parses those whole) to more than :data:`MAX_SMALL_PART_BYTES`;
* a part larger than 1 MiB unzips to more than :data:`MAX_RATIO` times its compressed size (ordinary sheet
  XML compresses 5-15 times; a bomb of blanks or one repeated character about 1000 times).

Those checks read the zip's directory, which a hostile file may falsify, so the bytes are also counted
while they are decompressed (:class:`Guard`): every XML part is streamed through a guard here, worksheets
included (openpyxl reads a whole worksheet on opening when it lacks a <dimension> record), and again while
the row reader scans and reads them (``xlsx_rows``). Streaming costs one decompression of each part,
about 0.2 s for 10,000 rows.
The guard also refuses, as it streams, what would make the XML parser build a huge string: a run of
more than :data:`MAX_RUN_BYTES` bytes of text or of one tag (a cell longer than Excel's own limit of
32,767 characters, written in the longest escapes) or of one comment or CDATA section; a DOCTYPE or
entity declaration, or a processing instruction after the XML declaration (Excel, WPS and LibreOffice write
none of these in a workbook's parts).
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from maturity.errors import InputError

MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
MAX_RUN_BYTES = MAX_CELL_CHARS * 10  # "&#x1F600;" is 10 bytes for one character
MAX_PART_BYTES = 2 << 30  # a worksheet or the shared strings, unzipped (200,000 rows of inline text ~ 1.4 GB)
MAX_SMALL_PART_BYTES = 32 << 20  # any other XML part
MAX_TOTAL_BYTES = 4 << 30
MAX_RATIO = 200
RATIO_FLOOR = 1 << 20  # parts smaller than this may compress as they like
MAX_ENTRIES = 10_000
WORKSHEETS = "xl/worksheets/"
_XML = (".xml", ".rels", ".vml")
HINT = (
    "文件可能已损坏，或是被恶意构造的（例如“压缩炸弹”）；请在 Excel/WPS 中打开并另存为 .xlsx，或改用 .csv。"
)


class Refused(Exception):
    """One part of the archive exceeds a limit (turned into an InputError naming the file by the caller)."""

    def __init__(self, part: str, reason: str) -> None:
        super().__init__(f"{part}：{reason}")
        self.part = part
        self.reason = reason


def refusal(source: str, e: Refused) -> InputError:
    return InputError(f"{source}：已拒绝读取，其中的 {e.part} {e.reason}", hint=HINT)


def _mb(n: int) -> str:
    return f"{n / (1 << 20):,.0f} MB"


class Guard:
    """Counts and checks the decompressed bytes of one part, chunk by chunk (see the module docstring)."""

    __slots__ = ("last", "limit", "open_end", "part", "tag_run", "term", "text_run", "total")

    def __init__(self, part: str, limit: int = MAX_PART_BYTES) -> None:
        self.part = part
        self.limit = limit
        self.total = 0
        self.text_run = 0  # bytes since the last '<'
        self.tag_run = 0  # bytes since the last '>'
        self.last = b""  # the end of the previous chunk (a "<!--" may be cut in two)
        self.term = b""  # inside a comment or CDATA section: what ends it
        self.open_end = 0  # where that comment or section's content starts

    def check(self, chunk: bytes) -> None:
        n = len(chunk)
        first = self.total == 0
        self.total += n
        if self.total > self.limit:
            raise Refused(self.part, f"解压后超过 {_mb(self.limit)}")
        self.text_run = _run(chunk, b"<", self.text_run, self.part, "一段文字（单元格内容或空白）")
        self.tag_run = _run(chunk, b">", self.tag_run, self.part, "一个标记")
        probe = self.last + chunk
        if self.term or b"<!" in probe:
            self._markup(probe, self.total - len(probe))
        start = 0
        if first:  # the XML declaration (after an optional byte-order mark) is the one allowed "<?"
            start = 1 + (3 if probe.startswith(b"\xef\xbb\xbf") else 0)
        if probe.find(b"<?", start) >= 0:
            raise Refused(self.part, "含有处理指令（表格软件不会写入）")
        self.last = chunk[-8:]

    def _markup(self, probe: bytes, base: int) -> None:
        """Comments and CDATA sections may hold '<' and '>', so their own length is bounded here;
        a DOCTYPE or entity declaration is refused outright."""
        pos = 0
        while True:
            if self.term:
                j = probe.find(self.term, max(pos, self.open_end - base))
                if j < 0:
                    if self.total - self.open_end > MAX_RUN_BYTES:
                        raise Refused(self.part, f"中一段注释或 CDATA 超过 {MAX_RUN_BYTES:,} 字节")
                    return
                pos = j + len(self.term)
                self.term = b""
                continue
            i = probe.find(b"<!", pos)
            if i < 0:
                return
            rest = probe[i + 2 : i + 9]
            if rest.startswith(b"--"):
                self.term, skip = b"-->", 4
            elif rest.startswith(b"[CDATA["):
                self.term, skip = b"]]>", 9
            elif len(rest) < 7 and (b"--".startswith(rest[:2]) or b"[CDATA[".startswith(rest)):
                return  # cut by the chunk's end: seen whole with the next chunk
            else:
                raise Refused(self.part, "含有 DOCTYPE 或实体声明（表格软件不会写入这些内容）")
            self.open_end = base + i + skip
            pos = i + skip


def _run(chunk: bytes, mark: bytes, run: int, part: str, what: str) -> int:
    """The run of bytes without ``mark`` at the end of ``chunk``, given the run before it."""
    i = chunk.find(mark)
    if i < 0:
        run += len(chunk)
    else:
        run += i
        if run <= MAX_RUN_BYTES:
            run = len(chunk) - chunk.rfind(mark) - 1
    if run > MAX_RUN_BYTES:
        raise Refused(part, f"中{what}超过 {MAX_RUN_BYTES:,} 字节（单元格最多 {MAX_CELL_CHARS:,} 个字符）")
    return run


def limit_of(name: str) -> int:
    if name.startswith(WORKSHEETS) or name.rsplit("/", 1)[-1].lower() == "sharedstrings.xml":
        return MAX_PART_BYTES
    if name.lower().endswith(_XML):
        return MAX_SMALL_PART_BYTES
    return MAX_PART_BYTES  # images and other binary parts: never parsed, only the total and ratio matter


def check_directory(zf: zipfile.ZipFile) -> None:
    """The checks on the zip's directory: entry count, declared sizes, compression ratio."""
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise Refused("压缩包", f"含有 {len(infos):,} 个部件，超过 {MAX_ENTRIES:,} 个")
    total = 0
    for info in infos:
        size = info.file_size
        total += size
        if size > limit_of(info.filename):
            raise Refused(info.filename, f"解压后为 {_mb(size)}，超过 {_mb(limit_of(info.filename))}")
        if size > RATIO_FLOOR and size > MAX_RATIO * max(info.compress_size, 1):
            raise Refused(
                info.filename, f"压缩比为 {size / max(info.compress_size, 1):,.0f} 倍，超过 {MAX_RATIO} 倍"
            )
    if total > MAX_TOTAL_BYTES:
        raise Refused("压缩包", f"全部解压后为 {_mb(total)}，超过 {_mb(MAX_TOTAL_BYTES)}")


def check_archive(path: Path, source: str) -> None:
    """Refuse a hostile or absurd xlsx (InputError naming the file and the part) before it is parsed."""
    try:
        with zipfile.ZipFile(path) as zf:
            check_directory(zf)
            for info in zf.infolist():
                name = info.filename
                if not name.lower().endswith(_XML):
                    continue
                guard = Guard(name, limit_of(name))
                with zf.open(info) as fh:
                    while chunk := fh.read(1 << 16):
                        guard.check(chunk)
    except Refused as e:
        raise refusal(source, e) from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, zlib.error) as e:
        raise InputError(
            f"{source}：无法作为 xlsx 打开（{type(e).__name__}: {e}）",
            hint="文件可能已损坏、设置了打开密码，或是旧版 .xls；请在 Excel/WPS 中另存为 .xlsx。",
        ) from None
