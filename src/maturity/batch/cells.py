"""Cell-level helpers shared by every spreadsheet the tool writes or reads."""

from __future__ import annotations

from typing import Any

# A text cell starting with one of these is run as a formula by Excel/WPS/LibreOffice (CSV/formula injection).
_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Make a value safe to put in a spreadsheet cell: text that could start a formula gets a leading '."""
    if isinstance(value, str) and value.startswith(_TRIGGERS):
        return "'" + value
    return value


def unneutralise(text: str) -> str:
    """Undo :func:`neutralise` on text read back from a sheet the tool wrote."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":
        return text[1:]
    return text


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA (no openpyxl import needed)."""
    out = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out
