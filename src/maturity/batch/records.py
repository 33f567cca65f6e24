"""Typed batch records: one scored enterprise (a ledger line, a summary row), one rejected row."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
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

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EnterpriseRecord:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass(slots=True)
class RejectedRow:
    """A row (or a whole file) that could not be scored, with every problem found in it."""

    source: str
    row: int | None
    name: str
    order: tuple[int, int]
    errors: list[CellError] = field(default_factory=list)
