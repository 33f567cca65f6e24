"""A programme overview of one batch (a district's or a park's diagnosis campaign): what the cohort report shows.

Plain data, built by :mod:`maturity.batch.rollup` from a batch's records and rendered by
:mod:`maturity.report.cohort`. Groups with fewer than ``min_group`` enterprises are never shown separately.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Share:
    label: str
    name: str
    count: int
    share: float  # % of the cohort


@dataclass(frozen=True)
class GroupFigures:
    name: str
    n: int
    two_plus: float  # % at 二级 and above (estimated MIIT grade)
    median: float | None
    onsite: float  # % rated on site


@dataclass(frozen=True)
class ScenarioFigure:
    name: str
    median: float | None
    below: float  # % of enterprises below the reference level in this dimension
    kind: str  # scenario / foundation


@dataclass(frozen=True)
class FrequentRecommendation:
    title: str
    firms: int
    cost_min: float  # total indicative cost over those firms, 万元
    cost_max: float
    cost_text: str  # one firm's range, as the summary shows it


@dataclass(frozen=True)
class FollowUp:
    name: str
    district: str
    sub_sector: str
    grade: str
    next_grade: str
    gap: float  # points to the next grade
    level: str
    assessor: str


@dataclass(frozen=True)
class Movement:
    scope: str
    up: int
    same: int
    down: int
    new: int = 0


@dataclass
class CohortOverview:
    title: str
    scope: str
    generated: str
    n: int
    median_score: float | None
    two_plus: float | None  # % at 二级 and above; None when no grade could be estimated
    onsite: float
    edition: str  # the national scheme the grades are estimated against
    questionnaire: str
    min_group: int
    levels: list[Share] = field(default_factory=list)
    grades: list[Share] = field(default_factory=list)
    districts: list[GroupFigures] = field(default_factory=list)
    sectors: list[GroupFigures] = field(default_factory=list)
    hidden_groups: int = 0
    hidden_firms: int = 0
    scenarios: list[ScenarioFigure] = field(default_factory=list)
    reference_level: str = ""
    recommendations: list[FrequentRecommendation] = field(default_factory=list)
    follow_up: list[FollowUp] = field(default_factory=list)
    progress: Movement | None = None
    progress_by_district: list[Movement] = field(default_factory=list)
    previous: str = ""  # where last round's results were read from
    notes: list[str] = field(default_factory=list)
