"""Typed batch records: one scored enterprise (a ledger line, a summary row), one rejected row."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from maturity.batch.reader import CellError


@dataclass(slots=True)
class EnterpriseRecord:
    """What a batch keeps of one scored enterprise: the ledger line the summary and the reports are made from."""

    name: str
    credit_code: str | None
    sub_sector: str
    sub_sector_name: str
    size_name: str
    region: str
    assessor: str
    level: str
    level_name: str
    level_id: str
    score: float
    dims: dict[str, float | None]
    recommendations: list[str]
    questionnaire: str
    version: str
    answered: int
    applicable: int
    source: str = ""
    row: int | None = None
    file: str = ""  # the answers file, relative to OUTDIR
    pdf: str = ""  # the report, relative to OUTDIR ("" when none)
    # The checked answers (AnswersFile JSON), kept only when reports are asked for: the report pass evaluates
    # them directly instead of reading back and re-checking the answers file it has just written.
    answers: dict[str, Any] | None = None
    # the structured profile (issue 16); defaults keep ledgers of earlier versions readable
    province: str = ""
    city: str = ""
    county: str = ""
    region_code: str = ""
    park: str = ""
    scale: str = ""  # 规上 / 规下 ("" when not given)
    sme_tier: str = ""  # label, e.g. 专精特新“小巨人”
    employees: int | None = None
    revenue_band: str = ""  # label
    mode: str = ""  # 自评 / 现场评定 ("" when not given: counted as 自评)
    service_provider: str = ""
    assessed_on: str = ""  # ISO date
    # what a programme manager reads beside the level
    level_reason: str = ""
    rec_costs: list[str] = field(default_factory=list)  # "参考 3–8 万元 · 4–8 周" beside each recommendation
    rec_cost_ranges: list[list[float]] = field(default_factory=list)  # [min, max] 万元 per recommendation
    grade: str = ""  # estimated MIIT grade label, e.g. 二级 ("" when no crosswalk)
    grade_rank: int | None = None
    grade_score: float | None = None
    grade_borderline: bool = False
    grade_next: str = ""
    grade_gap: float | None = None  # points to the next grade (None when a condition, not the score, blocks)
    grade_edition: str = ""  # the national scheme the grade is estimated against

    def to_json(self) -> dict[str, Any]:
        """The record as JSON values, for json.dumps right away: a shallow dict (its lists and dicts are the
        record's own), in field order. (dataclasses.asdict deep-copies every list: 30 times slower, and it
        runs twice per enterprise in the batch's main process.)"""
        return {name: getattr(self, name) for name in _RECORD_FIELDS}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EnterpriseRecord:
        return cls(**{k: v for k, v in data.items() if k in _RECORD_FIELD_SET})


_RECORD_FIELDS = tuple(f.name for f in fields(EnterpriseRecord))
_RECORD_FIELD_SET = frozenset(_RECORD_FIELDS)


@dataclass(slots=True)
class RejectedRow:
    """A row (or a whole file) that could not be scored, with every problem found in it."""

    source: str
    row: int | None
    name: str
    order: tuple[int, int]
    errors: list[CellError] = field(default_factory=list)
