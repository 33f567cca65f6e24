"""Enterprise size from what an owner types: a band number, "30人", "营收1500万", or both.

Bands follow 《中小企业划型标准规定》（工信部联企业〔2011〕300号）for 工业 (the same thresholds as the statistics
rule 国统字〔2017〕213号): 中型 从业人员 300 人及以上且营业收入 2000 万元及以上; 小型 20 人及以上且 300 万元
及以上; 微型 20 人以下或 300 万元以下; 大型 1000 人及以上且 4 亿元及以上. With one figure only the band is the
highest that figure allows, and the confirmation says which other figure would lower it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# (band id, minimum staff, minimum revenue in 万元), highest first.
INDUSTRY_BANDS = (("large", 1000, 40000), ("medium", 300, 2000), ("small", 20, 300), ("micro", 0, 0))

_PEOPLE = re.compile(r"(\d+(?:\.\d+)?)\s*(?:人|名|个人|people|staff|employees)")
_REVENUE = re.compile(
    r"(?:营收|营业收入|收入|销售额|产值|revenue)\s*[:：]?\s*(\d+(?:\.\d+)?)\s*(亿|万|千万|百万)?\s*元?", re.I
)
_BARE = re.compile(r"^(\d+(?:\.\d+)?)$")


@dataclass(frozen=True)
class SizeGuess:
    band: str
    staff: float | None
    revenue: float | None  # 万元


def parse_size(text: str, bands: int) -> int | SizeGuess | None:
    """A band number (1..bands), a SizeGuess from staff and/or revenue, or None when nothing is recognised.

    A bare number above ``bands`` is read as 从业人员 ("30" = 30 人)."""
    raw = unicodedata.normalize("NFKC", text).strip().replace(",", "").replace("，", " ")
    bare = _BARE.match(raw)
    if bare:
        value = float(bare[1])
        if value.is_integer() and 1 <= value <= bands:
            return int(value)
        return _guess(value, None)
    people = _PEOPLE.search(raw)
    revenue = _REVENUE.search(raw)
    if revenue is None:  # "1500万" without a word for revenue
        m = re.search(r"(\d+(?:\.\d+)?)\s*(亿|万|千万|百万)\s*元?", raw)
        revenue = m if m and (people is None or m.start() != people.start()) else None
    if people is None and revenue is None:
        return None
    amount = None
    if revenue is not None:
        unit = {"亿": 10000, "千万": 1000, "百万": 100, "万": 1, None: 1}[
            revenue[2] if revenue.lastindex and revenue.lastindex >= 2 else None
        ]
        amount = float(revenue[1]) * unit
    return _guess(float(people[1]) if people else None, amount)


def _guess(staff: float | None, revenue: float | None) -> SizeGuess:
    for band, min_staff, min_revenue in INDUSTRY_BANDS:
        if (staff is None or staff >= min_staff) and (revenue is None or revenue >= min_revenue):
            return SizeGuess(band, staff, revenue)
    return SizeGuess("micro", staff, revenue)  # pragma: no cover - the last band has no minimum


def lower_if(guess: SizeGuess) -> str:
    """Which missing figure would put the enterprise one band lower ('' when both were given or none can)."""
    for band, min_staff, min_revenue in INDUSTRY_BANDS:
        if band != guess.band or band == "micro":
            continue
        if guess.revenue is None:
            return f"营业收入不足 {min_revenue:g} 万元"
        if guess.staff is None:
            return f"从业人员不足 {min_staff} 人"
    return ""
