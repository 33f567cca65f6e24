"""Hostile spreadsheets built at test time: small on disk, huge once unzipped (zip bombs and the like)."""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from xml.sax.saxutils import escape

from tests.batch.test_xlsx_rows import write_raw_xlsx

from maturity import api
from maturity.batch.cells import column_letter
from maturity.batch.sheet import template_columns

MiB = 1 << 20


def _header_row() -> str:
    """Row 1 of the light-industry answer template, so that the rows after it are read."""
    cols = template_columns(api.scheme("light-industry").questionnaire)
    cells = "".join(
        f'<c r="{column_letter(i)}1" t="inlineStr"><is><t>{escape(c.header)}</t></is></c>'
        for i, c in enumerate(cols, 1)
    )
    return f'<row r="1">{cells}</row>'


HEADER_ROW = _header_row()


def repeat(piece: bytes, total: int) -> Iterator[bytes]:
    """``total`` bytes of ``piece`` repeated, in blocks of about 1 MiB."""
    block = piece * max(1, MiB // len(piece))
    left = total
    while left > 0:
        out = block[:left]
        left -= len(out)
        yield out


def bomb(path: Path, member: str, parts: Iterable[bytes], *, shared: list[str] | None = None) -> Path:
    """A valid small workbook whose ``member`` is replaced by the streamed ``parts``."""
    base = path.with_suffix(".base.xlsx")
    write_raw_xlsx(base, HEADER_ROW, shared or [])
    with (
        zipfile.ZipFile(base) as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst,
    ):
        for item in src.infolist():
            if item.filename == member:
                continue
            dst.writestr(item.filename, src.read(item.filename))
        with dst.open(member, "w", force_zip64=True) as fh:
            for p in parts:
                fh.write(p)
    base.unlink()
    return path


def sheet(*middle: Iterable[bytes]) -> Iterator[bytes]:
    """Sheet XML: the header row, then whatever ``middle`` streams, inside <sheetData>."""
    yield (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main"><sheetData>' + HEADER_ROW.encode()
    )
    for m in middle:
        yield from m
    yield b"</sheetData></worksheet>"


def understate_size(path: Path, member: str, size: int) -> None:
    """Make the zip's central directory (what readers trust) declare ``member`` as ``size`` bytes unzipped."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    start = 0
    while (i := data.find(b"PK\x01\x02", start)) >= 0:
        start = i + 4
        nlen, xlen = struct.unpack_from("<HH", data, i + 28)
        head = i + 46
        if bytes(data[head : head + nlen]) != name:
            continue
        if struct.unpack_from("<I", data, i + 24)[0] != 0xFFFFFFFF:
            struct.pack_into("<I", data, i + 24, size)
        j = head + nlen
        while j < head + nlen + xlen:  # a zip64 extra field holds the size instead
            tag, ln = struct.unpack_from("<HH", data, j)
            if tag == 1 and struct.unpack_from("<I", data, i + 24)[0] == 0xFFFFFFFF:
                struct.pack_into("<Q", data, j + 4, size)
            j += 4 + ln
    path.write_bytes(bytes(data))
