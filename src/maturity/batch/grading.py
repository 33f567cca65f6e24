"""What a programme manager needs per batch row beyond the L-level: the estimated MIIT grade, why the level is
where it is (in words), and cost/time beside each recommendation. Runs in the batch workers.

The grade is estimated through the bundled crosswalk from the row's assessed state (no second full assessment):
the target scheme's :meth:`Scheme.summary_of` on the derived answers, as :func:`maturity.engine.grade.estimate_grade`
does with :meth:`Scheme.assess`. Borderline (临界): the same rule as the report's national-grade page
(:func:`maturity.engine.grade.deciding_factors`: the score within 2 points of a grade's threshold, or a counted
gate met exactly or missed by one), so an on-site rating may well give another grade.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from maturity.engine.scoring import Scheme, Summary, _band


@dataclass(frozen=True, slots=True)
class RowGrade:
    label: str  # 二级
    level_id: str  # G2
    rank: int  # 0 = 未达一级
    score: float
    borderline: bool
    next_label: str  # "" at the top grade
    gap: float | None  # points to the next grade's minimum score; None when a gate (not the score) blocks


class Grader:
    """Estimated national grade of batch rows (None when the questionnaire has no crosswalk to it)."""

    def __init__(self, scheme: Scheme) -> None:
        from maturity.load import bundled

        self.source = scheme
        qid = scheme.questionnaire.id
        target_id = bundled.NATIONAL_SCHEME
        self.crosswalk = (
            bundled.crosswalk(qid, target_id)
            if (qid != target_id and bundled.has_crosswalk(qid, target_id))
            else None
        )
        self.target = bundled.scheme(target_id) if self.crosswalk is not None else None
        self.edition = (
            f"{self.target.questionnaire.title}（{self.target.questionnaire.version}）"
            if self.target is not None
            else ""
        )

    def grade(self, enterprise: Any, summary: Summary) -> RowGrade | None:
        if self.crosswalk is None or self.target is None:
            return None
        from maturity.engine.crosswalk import derive_values
        from maturity.engine.normalize import Normalized

        t = self.target
        values, _ = derive_values(self.crosswalk, summary.state, t.questionnaire)
        normalized = {tid: Normalized(v, False, "", "") for tid, v in values.items()}
        sub = self.crosswalk.sub_sectors.get(enterprise.sub_sector, enterprise.sub_sector)
        s = t.level_of(enterprise.model_copy(update={"sub_sector": sub}), normalized)
        gap = None
        if s.next_id is not None and s.next_gates_pass:
            need = next((b.min_score for b in t.rules.level_bands if b.level == s.next_id), None)
            gap = math.ceil(max(0.0, need - s.score) * 10 - 1e-9) / 10 if need is not None else None
        from maturity.engine.grade import deciding_factors

        near = bool(deciding_factors(t, s.score, s.state, s.level_id, s.next_id))
        return RowGrade(
            label=t.level_ref[s.level_id].label,
            level_id=s.level_id,
            rank=t.level_rank[s.level_id],
            score=math.floor(s.score * 10 + 1e-9) / 10,
            borderline=near,
            next_label=t.level_ref[s.next_id].label if s.next_id else "",
            gap=gap,
        )


def level_reason(scheme: Scheme, summary: Summary) -> str:
    """Why the enterprise sits at its level, in words: a gate holding it below the band its score reached,
    or what the next level still needs."""
    rules = scheme.rules
    band = _band(rules.level_bands, summary.score)
    gates = [b for b in summary.blockers if b.kind == "gate"]
    lv = summary.level
    if scheme.level_rank[band] > scheme.level_rank[lv.id] and gates:
        reached = scheme.level_ref[band].label
        why = "；".join(_gate_text(b) for b in gates[:2])
        return f"得分 {summary.score:g} 已达 {reached} 分数线，因未满足“{why}”停在 {lv.label}"
    if summary.next_level is None:
        return f"已达最高等级 {lv.label}"
    parts = [b.text if b.kind == "score" else _gate_text(b) for b in summary.blockers[:2]]
    return f"升 {summary.next_level.label} 还需：" + "；".join(parts) if parts else ""


def _gate_text(b: Any) -> str:
    return b.text


def solution_costs(catalog: Any) -> dict[str, str]:
    """Title -> "参考 3–8 万元 · 4–8 周" for every solution of a catalog."""
    out = {}
    for s in catalog.solutions:
        note = f"（{s.cost_note}）" if s.cost_note else ""
        out[s.title] = f"参考 {_range(s.cost)} 万元{note} · {_range(s.weeks)} 周"
    return out


def cost_ranges(catalog: Any) -> dict[str, tuple[float, float]]:
    return {s.title: (float(s.cost.min), float(s.cost.max)) for s in catalog.solutions}


def _range(r: Any) -> str:
    lo, hi = r.min, r.max
    f = lambda x: f"{x:g}"  # noqa: E731
    return f(lo) if lo == hi else f"{f(lo)}–{f(hi)}"


def profile_state(scheme: Scheme) -> dict[str, Any]:
    """What a worker holds for :func:`add_profile` (built once per worker)."""
    from maturity.errors import MaturityError
    from maturity.load.catalog import bundled_catalog

    try:
        catalog = bundled_catalog(scheme.questionnaire)
    except MaturityError:
        catalog = None
    return {
        "grader": Grader(scheme),
        "costs": solution_costs(catalog) if catalog else {},
        "cost_ranges": cost_ranges(catalog) if catalog else {},
    }


def place_of(ent: Any) -> tuple[str, str, str, str]:
    """Province, city, county and division code a campaign counts the enterprise under: as given, else read from
    its free-text region when that starts with a full division name ("江西省赣州市南康区…", as the interview asks
    for it); else nothing."""
    if ent.province or ent.city or ent.county or ent.region_code or not ent.region:
        return ent.province, ent.city, ent.county, ent.region_code or ""
    from maturity.data.divisions import divisions

    place = divisions().place_in_text(ent.region)
    if place is None:
        return "", "", "", ""
    return place.province, place.city if place.city != place.province else "", place.county, place.code


def add_profile(
    record: Any, ent: Any, summary: Summary, state: dict[str, Any], scheme: Scheme, with_costs: bool
) -> None:
    """Fill the structured profile, the level reason, the recommendation costs and the grade of a record."""
    from maturity.models.answers import MODE_NAMES, REVENUE_BAND_NAMES, SCALE_NAMES, SME_TIER_NAMES

    record.province, record.city, record.county, record.region_code = place_of(ent)
    record.park, record.service_provider = ent.park, ent.service_provider
    record.scale = SCALE_NAMES.get(ent.scale or "", "")
    record.sme_tier = SME_TIER_NAMES.get(ent.sme_tier or "", "")
    record.revenue_band = REVENUE_BAND_NAMES.get(ent.revenue_band or "", "")
    record.mode = MODE_NAMES.get(ent.mode or "", "")
    record.employees = ent.employees
    record.assessed_on = ent.assessed_on.isoformat() if ent.assessed_on else ""
    record.level_reason = level_reason(scheme, summary)
    if with_costs:
        record.rec_costs = [state["costs"].get(t, "") for t in record.recommendations]
        record.rec_cost_ranges = [
            list(state["cost_ranges"].get(t, (0.0, 0.0))) for t in record.recommendations
        ]
    g = state["grader"].grade(ent, summary)  # last: it marks the row's state as a crosswalk reads it
    if g is not None:
        record.grade, record.grade_rank, record.grade_score = g.label, g.rank, g.score
        record.grade_borderline, record.grade_next, record.grade_gap = g.borderline, g.next_label, g.gap
        record.grade_edition = state["grader"].edition
