"""Chinese text helpers that need nothing but the standard library (the interview's first prompt uses them
before any model is imported)."""

from __future__ import annotations

import re

# Characters counted as CJK here: U+2E80–U+9FFF (radicals, CJK punctuation, kana, ideographs), fullwidth forms
# U+FF00–U+FFEF, the em dash, curly quotes and the ellipsis. A character class with these ranges costs
# several milliseconds to compile (the regex compiler expands them code point by code point), so the
# neighbours of a gap are tested in Python instead.
_GAP = re.compile(r"[ \t\n]+")


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (
        0x2E80 <= o <= 0x9FFF or 0xFF00 <= o <= 0xFFEF or o == 0x2014 or 0x2018 <= o <= 0x201D or o == 0x2026
    )


def join_cjk_lines(text: str) -> str:
    """Remove the spaces YAML line folding puts between Chinese characters ("部门或 评定" -> "部门或评定").

    Content authors wrap long Chinese paragraphs with `>-`; a space between two CJK
    characters is never intended in Chinese prose and renders as a visible gap.

    A gap (a run of spaces, tabs and newlines) is removed when a CJK character follows it and either a CJK
    character precedes it and it holds exactly one line break, or a CJK character, "/" or "、" precedes it, it
    holds at most one line break and ends in a space or tab. A blank line (two breaks) is kept.
    """

    def gap(m: re.Match[str]) -> str:
        start, end = m.span()
        run = m.group()
        if start == 0 or end == len(text) or not _is_cjk(text[end]):
            return run
        before = text[start - 1]
        breaks = run.count("\n")
        if breaks == 1 and _is_cjk(before):
            return ""
        if breaks <= 1 and run[-1] != "\n" and (before in "/、" or _is_cjk(before)):
            return ""
        return run

    return _GAP.sub(gap, text)
