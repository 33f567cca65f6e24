"""Line breaking for Chinese prose in the terminal.

Rich wraps at spaces only, so in Chinese text with a few spaces around Latin words ("本问卷的 L1–L7+ 等级是……")
a whole clause is one "word" and moves to the next line, leaving a short line ending in "L1–L7+". Here a line may
break between any two Chinese characters, at a space, or between Chinese and Latin text, but never inside a
Latin word, before closing punctuation (，。、）…) or after opening punctuation (（《“…); a space between two
Latin words is kept together when the pair fits ("GB/T 39116-2020"), and a short figure or code stays with the
character before it ("差 0.9": no line ends with "差").
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult
    from rich.measure import Measurement
    from rich.text import Text

_CLOSING = set("，。、；：？！）》」』】〕”’…%,.;:?!)]}·")
_OPENING = set("（《「『【〔“‘([{")
_TOKEN = re.compile(r"\s+|[A-Za-z0-9][A-Za-z0-9_./+\-–—%:#&@']*|.", re.S)


def _is_wide(ch: str) -> bool:
    import unicodedata

    return unicodedata.east_asian_width(ch) in ("W", "F")


def _units(text: str) -> list[tuple[str, str]]:
    """(the spaces before it, unbreakable unit) in order; a unit keeps the spaces inside it as written."""
    units: list[tuple[str, str]] = []
    space = ""
    for m in _TOKEN.finditer(text):
        tok = m.group()
        if tok.isspace():
            space = tok
            continue
        glue = units and not space and (tok[0] in _CLOSING or units[-1][1][-1] in _OPENING)
        latin_pair = (
            units
            and space
            and not _is_wide(tok[0])
            and not _is_wide(units[-1][1][-1])
            and len(units[-1][1]) + len(tok) <= 24
        )
        figure = (  # "差 0.9", "需达到 45": a short figure stays with the character before it
            units and space and len(tok) <= 8 and tok[0].isdigit() and _is_wide(units[-1][1][-1])
        )
        if glue:
            units[-1] = (units[-1][0], units[-1][1] + tok)
        elif latin_pair or figure:  # "GB/T 39116-2020": keep the pair on one line when it fits
            units[-1] = (units[-1][0], units[-1][1] + space + tok)
        else:
            units.append((space, tok))
        space = ""
    return units


def wrap(text: str, width: int) -> list[str]:
    """``text`` broken into lines of at most ``width`` cells (existing newlines kept). Each line is a piece of
    ``text`` as written; only the spaces a line is broken at are left out."""
    from rich.cells import cell_len, chop_cells

    width = max(width, 4)
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        for space, unit in _units(para):
            piece = (space if line else "") + unit
            if cell_len(line) + cell_len(piece) <= width:
                line += piece
                continue
            gap = re.search(r"\s+", unit)
            if gap and cell_len(unit) > width:  # a Latin pair longer than a line: split at its space
                first, rest = unit[: gap.start()], unit[gap.end() :]
                if cell_len(line) + len(space) + cell_len(first) <= width:
                    lines.append((line + space if line else "") + first)
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


def _spans(plain: str, lines: list[str]) -> list[tuple[int, int]]:
    """Where each line of ``wrap(plain, ...)`` lies in ``plain``."""
    spans = []
    i = 0
    for line in lines:
        while i < len(plain) and plain[i].isspace() and not plain.startswith(line, i):
            i += 1
        spans.append((i, i + len(line)))
        i += len(line)
    return spans


class Prose:
    """A rich renderable: Chinese prose wrapped by :func:`wrap` at whatever width it is given. ``text`` may be a
    rich Text, whose styles are kept."""

    def __init__(self, text: str | Text, style: str = "") -> None:
        self.text = text
        self.style = style

    @property
    def plain(self) -> str:
        return self.text if isinstance(self.text, str) else self.text.plain

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.text import Text

        lines = wrap(self.plain, options.max_width)
        if isinstance(self.text, str):
            for line in lines:
                yield Text(line, style=self.style, no_wrap=True, overflow="crop")
            return
        for start, end in _spans(self.text.plain, lines):
            piece = self.text[start:end]
            piece.no_wrap, piece.overflow = True, "crop"
            yield piece

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        from rich.cells import cell_len
        from rich.measure import Measurement

        widest = max((cell_len(x) for x in self.plain.split("\n")), default=0)
        longest_unit = max((cell_len(u) for _, u in _units(self.plain)), default=0)
        return Measurement(min(longest_unit, options.max_width), min(widest, options.max_width))


def prose(text: str | Text, style: str = "") -> Any:
    return Prose(text, style)
