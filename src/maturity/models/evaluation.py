"""The Evaluation: everything the pipeline concludes about one enterprise, handed to every view and report."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from maturity.models.answers import AnswersFile
from maturity.models.catalog import Plan
from maturity.models.results import Assessment, NationalGrade

if TYPE_CHECKING:
    from maturity.engine.normalize import Normalized
    from maturity.engine.scoring import Scheme
    from maturity.errors import Issue

MODE_TEXT = {"self": "企业自评", "onsite": "现场评估"}


@dataclass(frozen=True)
class NextStep:
    """One of the three most important things to do next, in words an owner reads."""

    title: str
    why: str
    what: str = ""


@dataclass(frozen=True)
class Provenance:
    """Where an evaluation comes from: the versions that produced it, when, by whom, and how."""

    tool_version: str
    questionnaire_id: str
    questionnaire_version: str
    rules_id: str
    rules_version: str
    catalog_version: str | None
    assessed_on: datetime | None
    assessor: str
    mode: Literal["self", "onsite"]

    @property
    def mode_text(self) -> str:
        return MODE_TEXT[self.mode]


@dataclass(frozen=True)
class PeerStanding:
    """How one enterprise compares with its cohort in a batch (shown under 同行对比)."""

    cohort: str
    size: int
    median_score: float
    percentile: float | None = None  # share of the cohort at or below this enterprise, 0–100
    dimension_medians: dict[str, float] = field(default_factory=dict)
    level_counts: dict[str, int] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class Previous:
    """An earlier assessment of the same enterprise (for 与上次评估相比)."""

    assessment: Assessment
    assessed_on: datetime | None


@dataclass(frozen=True)
class Evaluation:
    """One enterprise evaluated: answers, scores and level, plan, national grade, next steps, provenance."""

    answers: AnswersFile
    normalized: dict[str, Normalized]
    scheme: Scheme
    assessment: Assessment
    plan: Plan | None
    grade: NationalGrade | None
    next_steps: list[NextStep]
    provenance: Provenance
    source: Path | None = None
    warnings: list[Issue] = field(default_factory=list)
    peer: PeerStanding | None = None
    previous: Previous | None = None
