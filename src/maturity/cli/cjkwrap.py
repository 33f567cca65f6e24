"""Line breaking for Chinese prose in the terminal.

Rich wraps at spaces only, so in Chinese text with a few spaces around Latin words ("本问卷的 L1–L7+ 等级是……")
a whole clause is one "word" and moves to the next line, leaving a short line ending in "L1–L7+". Here a line may
break between any two Chinese characters, at a space, or between Chinese and Latin text, but never inside a
Latin word, before closing punctuation (，。、）…) or after opening punctuation (（《“…); a space between two
Latin words is kept together when the pair fits ("GB/T 39116-2020").
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult
    from rich.measure import Measurement

_CLOSING = set("，。、；：？！）》」』】〕”’…%,.;:?!)]}·")
_OPENING = set("（《「『【〔“‘([{")
_TOKEN = re.compile(r"\s+|[A-Za-z0-9][A-Za-z0-9_./+\-–—%:#&@']*|.", re.S)


def _is_wide(ch: str) -> bool:
    import unicodedata

    return unicodedata.east_asian_width(ch) in ("W", "F")


def _units(text: str) -> list[tuple[bool, str]]:
    """(space_before, unbreakable unit) in order."""
    units: list[tuple[bool, str]] = []
    space = False
    for m in _TOKEN.finditer(text):
        tok = m.group()
        if tok.isspace():
            space = True
            continue
        glue = units and not space and (tok[0] in _CLOSING or units[-1][1][-1] in _OPENING)
        latin_pair = (
            units
            and space
            and not _is_wide(tok[0])
            and not _is_wide(units[-1][1][-1])
            and len(units[-1][1]) + len(tok) <= 24
        )
        if glue:
            units[-1] = (units[-1][0], units[-1][1] + tok)
        elif latin_pair:  # "GB/T 39116-2020": keep the pair on one line when it fits
            units[-1] = (units[-1][0], units[-1][1] + " " + tok)
        else:
            units.append((space, tok))
        space = False
    return units


def wrap(text: str, width: int) -> list[str]:
    """``text`` broken into lines of at most ``width`` cells (existing newlines kept)."""
    from rich.cells import cell_len, chop_cells

    width = max(width, 4)
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        for space, unit in _units(para):
            piece = (" " if space and line else "") + unit
            if cell_len(line) + cell_len(piece) <= width:
                line += piece
                continue
            if " " in unit and cell_len(unit) > width:  # a Latin pair longer than a line: split at its space
                first, rest = unit.split(" ", 1)
                if cell_len(line) + 1 + cell_len(first) <= width:
                    lines.append((line + " " if line else "") + first)
                    line = rest
                    continue
            if line:
                lines.append(line)
            if cell_len(unit) <= width:
                line = unit
            else:
                chunks = chop_cells(unit, width)
                lines.extend(chunks[:-1])
                line = chunks[-1]
        lines.append(line)
    return lines


class Prose:
    """A rich renderable: Chinese prose wrapped by :func:`wrap` at whatever width it is given."""

    def __init__(self, text: str, style: str = "") -> None:
        self.text = text
        self.style = style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.text import Text

        for line in wrap(self.text, options.max_width):
            yield Text(line, style=self.style, no_wrap=True, overflow="crop")

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        from rich.cells import cell_len
        from rich.measure import Measurement

        widest = max((cell_len(x) for x in self.text.split("\n")), default=0)
        longest_unit = max((cell_len(u) for _, u in _units(self.text)), default=0)
        return Measurement(min(longest_unit, options.max_width), min(widest, options.max_width))


def prose(text: str, style: str = "") -> Any:
    return Prose(text, style)
