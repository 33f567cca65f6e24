"""Chinese text helpers that need nothing but the standard library (the interview's first prompt uses them
before any model is imported)."""

from __future__ import annotations

import re

_CJK = r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef\u2014\u2018-\u201d\u2026]"
_FOLDED_GAP = re.compile(rf"(?<=[/、]|{_CJK})[ \t]*\n?[ \t]+(?={_CJK})|(?<={_CJK})[ \t]*\n[ \t]*(?={_CJK})")


def join_cjk_lines(text: str) -> str:
    """Remove the spaces YAML line folding puts between Chinese characters ("部门或 评定" -> "部门或评定").

    Content authors wrap long Chinese paragraphs with `>-`; a space between two CJK
    characters is never intended in Chinese prose and renders as a visible gap.
    """
    return _FOLDED_GAP.sub("", text)
