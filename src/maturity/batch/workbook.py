"""openpyxl's read-only load, without its one read of a whole worksheet.

Opening a workbook, openpyxl looks for each worksheet's <dimension> record and, when a writer left it out,
parses the sheet to its end to find it: time and memory for the whole sheet, whatever it holds, before
any row is asked for. Here that search reads only the first :data:`HEAD_BYTES` of the sheet (the record,
when present, comes before the cells); without it the sheet's size is left unknown, just as openpyxl
leaves it when the record is missing. The row reader never needed it. Where this openpyxl has no such
method, it loads as it is.
"""

from __future__ import annotations

import io
import threading
from pathlib import Path
from typing import Any

HEAD_BYTES = 1 << 16
_LOCK = threading.Lock()


class _Head(io.RawIOBase):
    """The first ``limit`` bytes of a stream, then end of file."""

    def __init__(self, raw: Any, limit: int) -> None:
        self.raw, self.left = raw, limit

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        if self.left <= 0:
            return 0
        data = self.raw.read(min(len(b), self.left))
        self.left -= len(data)
        b[: len(data)] = data
        return len(data)


def _head_size(ws: Any) -> None:
    from openpyxl.worksheet._reader import WorkSheetParser

    src = ws._get_source()
    try:
        dims = WorkSheetParser(io.BufferedReader(_Head(src, HEAD_BYTES)), []).parse_dimensions()
    except Exception:  # the head ends inside the XML: no record in it
        dims = None
    finally:
        src.close()
    if dims is not None:
        ws._min_column, ws._min_row, ws._max_column, ws._max_row = dims


def open_workbook(path: Path, *, data_only: bool = True) -> Any:
    """``load_workbook(path, read_only=True, data_only=...)`` with the bounded dimension search."""
    from openpyxl import load_workbook

    try:
        from openpyxl.worksheet._read_only import ReadOnlyWorksheet

        original = ReadOnlyWorksheet._get_size
    except (ImportError, AttributeError):
        return load_workbook(path, read_only=True, data_only=data_only)
    with _LOCK:
        ReadOnlyWorksheet._get_size = _head_size
        try:
            return load_workbook(path, read_only=True, data_only=data_only)
        finally:
            ReadOnlyWorksheet._get_size = original
