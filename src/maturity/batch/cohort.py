"""Cohort benchmark over a batch: level distribution, per-dimension quartiles, percentile ranks.

Anonymity: a group (sub-sector) with fewer than :data:`MIN_GROUP` enterprises is not reported separately —
no distribution, no quartiles and no within-group percentile; its enterprises still count in 全部.

Only numbers are kept (``array('d')`` per group and dimension), so memory stays small for any batch size.
Percentile rank = share of the group scoring below, plus half of those scoring the same (mid-rank), in %.
Quartiles are inclusive (like Excel's QUARTILE.INC).
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from statistics import mean, quantiles

from maturity.models.evaluation import PeerStanding

MIN_GROUP = 5
OVERALL = "*"
OVERALL_NAME = "全部企业"
SCORE = "score"


@dataclass
class Group:
    id: str
    name: str
    n: int = 0
    levels: dict[str, int] = field(default_factory=dict)
    values: dict[str, array] = field(default_factory=dict)  # SCORE or dimension id -> values
    sorted_scores: list[float] = field(default_factory=list)

    def add(self, level: str, score: float, dims: dict[str, float | None]) -> None:
        self.n += 1
        self.levels[level] = self.levels.get(level, 0) + 1
        self.values.setdefault(SCORE, array("d")).append(score)
        for did, s in dims.items():
            if s is not None and not math.isnan(s):
                self.values.setdefault(did, array("d")).append(s)

    @property
    def reportable(self) -> bool:
        return self.n >= MIN_GROUP


@dataclass(frozen=True)
class Stats:
    n: int
    q1: float
    median: float
    q3: float
    mean: float


def stats(values: array | list[float]) -> Stats | None:
    if len(values) == 0:
        return None
    vals = sorted(values)
    if len(vals) == 1:
        v = vals[0]
        return Stats(1, v, v, v, v)
    q1, med, q3 = quantiles(vals, n=4, method="inclusive")
    return Stats(len(vals), round(q1, 1), round(med, 1), round(q3, 1), round(mean(vals), 1))


class Cohort:
    """Collects (sub-sector, level, score, dimension scores) and answers percentile / summary questions."""

    def __init__(
        self,
        level_order: list[tuple[str, str]],
        dimensions: list[tuple[str, str]],
        sub_sector_names: dict[str, str],
    ) -> None:
        self.level_order = level_order  # [(label, name)] low -> high
        self.dimensions = dimensions  # [(id, name)]
        self.sub_sector_names = sub_sector_names
        self.overall = Group(OVERALL, OVERALL_NAME)
        self.groups: dict[str, Group] = {}
        self._frozen = False

    def add(self, sub_sector: str, level: str, score: float, dims: dict[str, float | None]) -> None:
        assert not self._frozen, "cohort already finalised"
        self.overall.add(level, score, dims)
        g = self.groups.get(sub_sector)
        if g is None:
            g = self.groups[sub_sector] = Group(sub_sector, self.sub_sector_names.get(sub_sector, sub_sector))
        g.add(level, score, dims)

    def finalise(self) -> Cohort:
        for g in [self.overall, *self.groups.values()]:
            g.sorted_scores = sorted(g.values.get(SCORE, ()))
        self._frozen = True
        return self

    # ------------------------------------------------------------------------------------------
    @staticmethod
    def _rank(sorted_scores: list[float], score: float) -> float | None:
        n = len(sorted_scores)
        if n == 0:
            return None
        lo = bisect_left(sorted_scores, score - 1e-9)
        hi = bisect_right(sorted_scores, score + 1e-9)
        return round(100.0 * (lo + 0.5 * (hi - lo)) / n, 1)

    @staticmethod
    def at_or_below(sorted_scores: list[float], score: float) -> float | None:
        """Share (%) of the group scoring at or below ``score`` (the report's wording)."""
        if not sorted_scores:
            return None
        return round(100.0 * bisect_right(sorted_scores, score + 1e-9) / len(sorted_scores), 1)

    def percentile(self, score: float) -> float | None:
        return self._rank(self.overall.sorted_scores, score)

    def sub_sector_percentile(self, sub_sector: str, score: float) -> float | None:
        """Within-sub-sector percentile, or None when the group is too small to report."""
        g = self.groups.get(sub_sector)
        if g is None or not g.reportable:
            return None
        return self._rank(g.sorted_scores, score)

    def reportable_groups(self) -> list[Group]:
        return [self.overall] + sorted((g for g in self.groups.values() if g.reportable), key=lambda g: -g.n)

    def hidden_groups(self) -> list[Group]:
        return [g for g in self.groups.values() if not g.reportable]

    def dimension_stats(self, group: Group) -> list[tuple[str, str, Stats | None]]:
        out = [(SCORE, "综合得分", stats(group.values.get(SCORE, array("d"))))]
        for did, name in self.dimensions:
            out.append((did, name, stats(group.values.get(did, array("d")))))
        return out

    def peer_context(self, sub_sector: str, score: float, dims: dict[str, float | None]) -> dict:
        """What one enterprise's report shows under 同行对比 (JSON-friendly)."""
        g = self.groups.get(sub_sector)
        use = g if g is not None and g.reportable else self.overall
        rows = []
        for did, name, st in self.dimension_stats(use):
            own = score if did == SCORE else dims.get(did)
            rows.append(
                {
                    "id": did,
                    "name": name,
                    "own": own,
                    "q1": st.q1 if st else None,
                    "median": st.median if st else None,
                    "q3": st.q3 if st else None,
                    "n": st.n if st else 0,
                }
            )
        return {
            "group": use.name,
            "group_n": use.n,
            "overall_n": self.overall.n,
            "sub_sector_reported": use is not self.overall,
            "min_group": MIN_GROUP,
            "percentile": self.percentile(score),
            "sub_sector_percentile": self.sub_sector_percentile(sub_sector, score),
            "at_or_below": self.at_or_below(use.sorted_scores, score),
            "levels": [
                {"label": lab, "name": nm, "count": use.levels.get(lab, 0)} for lab, nm in self.level_order
            ],
            "dimensions": rows,
        }

    def standing(self, sub_sector: str, score: float, dims: dict[str, float | None]) -> PeerStanding:
        """One enterprise's standing in this cohort, as its report shows it (同行对比)."""
        ctx = self.peer_context(sub_sector, score, dims)
        score_row = ctx["dimensions"][0]
        note = (
            f"对比范围：本批次{ctx['group']}（{ctx['group_n']} 家）。"
            if ctx["sub_sector_reported"]
            else f"本批次同一子行业不足 {ctx['min_group']} 家，不单独对比；对比范围为本批次全部企业（{ctx['overall_n']} 家）。"
        )
        return PeerStanding(
            cohort=ctx["group"],
            size=ctx["group_n"],
            median_score=score_row["median"] or 0.0,
            percentile=ctx["at_or_below"],
            dimension_medians={
                d["id"]: d["median"] for d in ctx["dimensions"][1:] if d["median"] is not None
            },
            level_counts={lv["label"]: lv["count"] for lv in ctx["levels"]},
            note=note,
        )
