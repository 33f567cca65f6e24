"""The rows of one worksheet as plain values, streamed from the sheet's XML by the C parser behind ElementTree.

openpyxl still opens the workbook (sheet list, shared strings, cell styles, date epoch). Reading the rows
through its read-only worksheet builds an object per cell and takes about two and a half times as long
(6.9 s against 2.7 s for 10,000 rows of 84 columns), so the rows themselves are read here, with openpyxl's ``data_only`` meaning, which tests check cell by cell:

* a formula cell gives its cached result; one saved without a result becomes a :class:`BadCell`;
* shared, inline and rich-text strings give their text (phonetic runs left out, as openpyxl does);
* numbers are ``int`` unless written with ``.``/``e``; a number in a date or time format is a datetime;
* ``t="b"`` is a bool, ``t="d"`` an ISO date, ``t="e"`` (an error value such as ``#N/A``) a :class:`BadCell`;
* in the given percent columns a number formatted as % (typed "35%", stored 0.35) is returned as 35;
* text longer than Excel's 32,767 characters is a :class:`BadCell`.

The sheet's bytes pass a :class:`~maturity.batch.zip_limits.Guard` as they are read, and a row may hold at
most :data:`MAX_ROW_TAGS` tags and :data:`MAX_ROW_BYTES` bytes; finished rows (and anything else between
them) are detached from the tree, so memory stays bounded whatever the sheet holds.

When openpyxl's internals needed here are missing (another openpyxl version), :func:`source_of` returns
None and the caller reads through openpyxl instead.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator, Sequence, Set
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from maturity.batch.zip_limits import MAX_CELL_CHARS, Guard, Refused

ERROR_VALUES = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!", "#CALC!"}
)
MAX_COLUMN = 16_384  # XFD
MAX_ROW_TAGS = 1 << 18  # 16,384 columns of rich text stay well below
MAX_ROW_BYTES = 16 << 20
TOO_LONG = f"单元格内容超过 {MAX_CELL_CHARS:,} 个字符（Excel 单元格的上限），请缩短"
NO_FORMULA_RESULT = "单元格是公式，但文件中没有公式的计算结果；请在 Excel/WPS 中打开后保存，或直接填写数值"


@dataclass(frozen=True)
class BadCell:
    """A cell whose content cannot be used, with the reason (found while streaming the sheet)."""

    reason: str


def error_cell(value: str) -> BadCell:
    return BadCell(f"单元格为错误值 {value}")


@dataclass(frozen=True)
class SheetSource:
    """Everything needed to read one worksheet's rows without openpyxl's per-cell objects."""

    archive: zipfile.ZipFile
    member: str
    shared: Sequence[str]
    epoch: datetime
    date_styles: frozenset[int]
    timedelta_styles: frozenset[int]
    percent_styles: frozenset[int]


def percent_styles(wb: Any) -> frozenset[int]:
    """Indexes of the cell styles whose number format shows a percent (built-in 9/10 or custom with %)."""
    custom = list(wb._number_formats)
    out = set()
    for i, style in enumerate(wb._cell_styles):
        fid = style.numFmtId
        if fid in (9, 10) or (fid >= 164 and fid - 164 < len(custom) and "%" in custom[fid - 164]):
            out.add(i)
    return frozenset(out)


def source_of(wb: Any, ws: Any) -> SheetSource | None:
    """The sheet's source for :func:`rows`, or None if this openpyxl does not expose what is needed."""
    try:
        return SheetSource(
            wb._archive,
            ws._worksheet_path,
            ws._shared_strings,
            wb.epoch,
            frozenset(wb._date_formats),
            frozenset(wb._timedelta_formats),
            percent_styles(wb),
        )
    except (AttributeError, TypeError):
        return None


def _cast_number(text: str) -> int | float:
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)


@dataclass(frozen=True)
class Scan:
    """What one pass over the raw sheet XML finds (openpyxl's read-only mode hides both)."""

    merged: list[tuple[int, int, int, int, str]]  # (first col, first row, last col, last row, "A1:B2")
    formulas: bool


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
_FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")


def scan(archive: zipfile.ZipFile, member: str) -> Scan:
    """Merged ranges and formulas, by a byte-level pass over the sheet (the row stream sees neither early enough)."""
    merged: list[tuple[int, int, int, int, str]] = []
    formulas = False
    tail = b""
    guard = Guard(member)
    with archive.open(member) as fh:
        while chunk := fh.read(1 << 20):
            guard.check(chunk)
            buf = tail + chunk
            # the substring tests first: the pattern alone tries every "<" of the sheet (about 9 ms a MiB)
            if not formulas and (b"<f" in buf or b":f" in buf) and _FORMULA.search(buf):
                formulas = True
            if b"mergeCell" in buf:
                for m in _MERGE.finditer(buf):
                    c1, r1, c2, r2 = m.groups()
                    ref = f"{c1.decode()}{r1.decode()}:{c2.decode()}{r2.decode()}"
                    first, last = (
                        min(_column(x.decode()), MAX_COLUMN) for x in (c1, c2)
                    )  # a bogus ref stays bounded
                    item = (first, int(r1), last, int(r2), ref)
                    if item not in merged:
                        merged.append(item)
            tail = buf[-256:]
    return Scan(merged, formulas)


class _Names:
    """Qualified tag names of one sheet (its namespace, or none)."""

    def __init__(self, ns: str) -> None:
        self.ROW, self.C, self.V, self.F, self.IS, self.T, self.R = (
            ns + x for x in ("row", "c", "v", "f", "is", "t", "r")
        )


def rows(src: SheetSource, percent_columns: Set[int] = frozenset()) -> Iterator[tuple[int, list[Any]]]:
    """(row number, values) for every row element of the sheet, in file order; values[i] is column i+1.

    ``percent_columns`` holds 0-based column indexes; it is consulted row by row, so a caller may fill it
    once it has read the header. Rows absent from the file are not yielded.
    """
    return _RowReader(src, percent_columns).pull()


class _RowReader:
    def __init__(self, src: SheetSource, percent_columns: Set[int]) -> None:
        self.src = src
        self.percent_columns = percent_columns
        self.row_counter = 0

    def pull(self) -> Iterator[tuple[int, list[Any]]]:
        """An incremental parse; each row element is converted as it ends, then cleared and detached."""
        parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start", "end"))
        ancestors = _Ancestors(parser)
        names: _Names | None = None
        row_tag = ""
        guard = Guard(self.src.member)
        row_tags = row_bytes = 0  # since the last row ended, counted by chunks
        with self.src.archive.open(self.src.member) as fh:
            while True:
                chunk = fh.read(1 << 16)
                if chunk:
                    guard.check(chunk)
                    parser.feed(chunk)
                else:
                    parser.close()  # a sheet cut short raises here instead of ending early
                ended = False
                for item in parser.read_events():
                    event, el = cast(tuple[str, ET.Element], item)  # "start"/"end" events carry elements
                    if event == "start":
                        ancestors.started(el)
                        continue
                    tag = el.tag
                    if tag != row_tag:
                        if names is not None:
                            continue
                        if not (tag == "row" or tag.endswith("}row")):
                            ancestors.ended(el)
                            continue
                        names = _Names(tag[: tag.index("}") + 1] if tag.startswith("{") else "")
                        row_tag = names.ROW
                    ended = True
                    assert names is not None
                    yield self.row(el, names)
                    el.clear()
                ancestors.detach()
                if ended:
                    row_tags = row_bytes = 0
                else:
                    row_tags += chunk.count(b"<")
                    row_bytes += len(chunk)
                    if row_tags > MAX_ROW_TAGS or row_bytes > MAX_ROW_BYTES:
                        raise Refused(
                            self.src.member,
                            f"第 {self.row_counter + 1} 行附近有一行过大"
                            f"（超过 {MAX_ROW_TAGS:,} 个标记或 {MAX_ROW_BYTES >> 20} MB）",
                        )
                if not chunk:
                    return

    def row(self, el: ET.Element, n: _Names) -> tuple[int, list[Any]]:
        from_excel, from_ISO8601 = _DATES or _load_dates()
        src = self.src
        r = el.get("r")
        self.row_counter = int(float(r)) if r else self.row_counter + 1
        values: list[Any] = []
        col = 0
        C, V = n.C, n.V
        for c in el:
            if c.tag != C:
                continue
            ref = c.get("r")
            col = _column(ref) if ref else col + 1
            if col > MAX_COLUMN:  # Excel stops at XFD; a larger reference would make a huge row
                raise ET.ParseError(f"cell reference {(ref or '')[:20]} lies beyond column XFD")
            t = c.get("t", "n")
            value: Any = None
            if t == "inlineStr":
                inline = c.find(n.IS)
                if inline is not None:
                    value = _rich_text(inline, n.T, n.R)
                    if value in ERROR_VALUES:
                        value = error_cell(value)
            else:
                text = c.findtext(V) or None
                if text is None:
                    if c.find(n.F) is not None:
                        value = BadCell(NO_FORMULA_RESULT)
                elif t == "n":
                    try:
                        value = _cast_number(text)
                    except ValueError:
                        value = BadCell(f"单元格的数值 {text[:40]} 无法识别，文件可能已损坏")
                    style = c.get("s")
                    if style and not isinstance(value, BadCell):
                        s = int(style)
                        if s in src.date_styles:
                            try:
                                value = from_excel(value, src.epoch, timedelta=s in src.timedelta_styles)
                            except (OverflowError, ValueError):
                                value = BadCell(f"单元格设为日期格式，但数值 {text} 超出日期范围")
                        elif col - 1 in self.percent_columns and s in src.percent_styles:
                            value = round(value * 100, 10)
                elif t == "s" or t == "str":
                    if t == "s":
                        try:
                            value = src.shared[int(text)]
                        except (IndexError, ValueError):
                            value = BadCell(f"单元格引用了不存在的共享文本（{text}），文件可能已损坏")
                    else:
                        value = text
                    if value in ERROR_VALUES:
                        value = error_cell(value)
                elif t == "b":
                    value = text.strip() in ("1", "true")
                elif t == "e":
                    value = error_cell(text)
                elif t == "d":
                    try:
                        value = from_ISO8601(text)
                    except ValueError:
                        value = BadCell(f"单元格的日期值 {text} 无法识别")
                else:
                    value = text
            if type(value) is str and len(value) > MAX_CELL_CHARS:
                value = BadCell(TOO_LONG)
            if col > len(values):
                values.extend([None] * (col - len(values)))
            values[col - 1] = value
        return self.row_counter, values


class _Ancestors:
    """The elements enclosing the rows (worksheet, sheetData), found from the start events until the first
    row starts; then start events are switched off (they cost a third of the parse) where the parser allows.

    :meth:`detach` empties them after every chunk, so neither finished rows nor anything a file puts
    between them stay in the tree. The row being built is still held by the parser and ends normally.
    """

    def __init__(self, parser: ET.XMLPullParser) -> None:
        self.parser = parser
        self.stack: list[ET.Element] = []
        self.found = False

    def started(self, el: ET.Element) -> None:
        if self.found:
            return
        tag = el.tag
        if tag == "row" or tag.endswith("}row"):
            self.found = True
            try:  # private to ElementTree: without it start events stay on, which is only slower
                self.parser._parser._setevents(self.parser._events_queue, ("end",))  # type: ignore[attr-defined]
            except (AttributeError, TypeError):
                pass
        else:
            self.stack.append(el)

    def ended(self, el: ET.Element) -> None:
        if not self.found and self.stack and self.stack[-1] is el:
            self.stack.pop()

    def detach(self) -> None:
        for el in self.stack:
            del el[:]


_DATES: tuple = ()


def _load_dates() -> tuple:
    global _DATES
    from openpyxl.utils.datetime import from_excel, from_ISO8601

    _DATES = (from_excel, from_ISO8601)
    return _DATES


def _rich_text(el: ET.Element, T: str, R: str) -> str:
    """Text of an inline or shared string: its plain text and rich-text runs, phonetic runs left out."""
    if len(el) == 1 and el[0].tag == T:
        return el[0].text or ""
    parts = []
    for child in el:
        if child.tag == T:
            parts.append(child.text or "")
        elif child.tag == R:
            t = child.find(T)
            if t is not None:
                parts.append(t.text or "")
    return "".join(parts)


_COLUMNS: dict[str, int] = {}


def _column(ref: str) -> int:
    """'AB12' -> 28 (letters remembered: a sheet uses the same few columns on every row)."""
    letters = ref.rstrip("0123456789")
    n = _COLUMNS.get(letters)
    if n is None:
        n = 0
        for ch in letters.upper():
            o = ord(ch)
            if not 65 <= o <= 90:
                break
            n = n * 26 + o - 64
        if len(_COLUMNS) < 20_000:
            _COLUMNS[letters] = n
    return n
