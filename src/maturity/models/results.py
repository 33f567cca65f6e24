"""The Assessment: everything the engine concludes from one answers file.

Its JSON form (``maturity score --format json``) is a documented, stable schema:
fields are only ever added, and ``schema_version`` changes if one is removed or
changes meaning.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from maturity.models.base import empty_list

SCHEMA_VERSION = 1

QuestionStatus = Literal["answered", "na", "unanswered", "hidden", "not_applicable", "unscored", "not_asked"]


class ResultModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class LevelRef(ResultModel):
    id: str
    rank: int
    name: str
    label: str


class QuestionResult(ResultModel):
    id: str
    dimension: str
    text: str
    kind: str
    status: QuestionStatus
    answer: str | float | list[str] | None = Field(None, description="规范化后的答案取值")
    answer_text: str = Field("", description="答案的中文表述")
    score: float | None = Field(None, description="本题得分（0–100）；不计分时为 null")
    weight: float = 0
    contribution: float = Field(0, description="对总分的贡献（分）")
    max_contribution: float = Field(0, description="本题满分时对总分的贡献（分）")
    note: str = ""
    justification: str = ""
    evidence: str = Field("", description="佐证文件名或路径（答卷中填写时）")


class DimensionResult(ResultModel):
    id: str
    name: str
    kind: str
    score: float | None = Field(None, description="维度得分（0–100）；无计分题时为 null")
    level: LevelRef | None = None
    weight: float = 0
    answered: int = 0
    total: int = Field(
        0, description="本企业需作答的计分题数：适用于本行业且已触发的题目（未触发的追问不计）"
    )


class ConditionResult(ResultModel):
    passed: bool
    text: str = Field(description="条件的中文表述及实际情况")
    children: list[ConditionResult] = Field(default_factory=empty_list)


class GateResult(ResultModel):
    id: str
    level: str
    title: str
    passed: bool
    explain: str = ""
    detail: ConditionResult


class Blocker(ResultModel):
    """One thing that stands between the enterprise and the next level."""

    kind: Literal["score", "gate"]
    text: str
    gate: str | None = None
    missing: list[str] = Field(default_factory=empty_list, description="未满足的具体条件")


class Profile(ResultModel):
    name: str
    sub_sector: str
    sub_sector_name: str
    industry_type: str
    industry_type_name: str
    size: str | None = None
    size_name: str = ""
    region: str = ""
    credit_code: str | None = None
    assessor: str = ""


class Assessment(ResultModel):
    schema_version: int = SCHEMA_VERSION
    questionnaire_id: str
    questionnaire_version: str
    questionnaire_title: str
    rules_id: str
    rules_version: str
    scheme_note: str
    enterprise: Profile
    score: float
    score_label: str = "综合得分"
    level: LevelRef
    band_level: LevelRef = Field(description="仅按分数档位可达到的等级（门槛之前）")
    next_level: LevelRef | None = None
    dimensions: list[DimensionResult]
    questions: list[QuestionResult]
    gates: list[GateResult]
    blockers: list[Blocker] = Field(default_factory=empty_list, description="达到下一等级还缺什么")
    answered: int = 0
    applicable: int = 0
    not_asked: int = Field(
        0,
        description="未问的计分题数（核心问卷未包含的完整问卷题目、旧版答卷未问的新增题目）：不计分，"
        "所在维度按已问题目计算",
    )

    def dimension(self, did: str) -> DimensionResult:
        for d in self.dimensions:
            if d.id == did:
                return d
        raise KeyError(did)


class SceneLevel(ResultModel):
    id: str
    name: str
    level: str | None = Field(None, description='场景等级取值（如 "0"–"4"）；待补充时为 null')
    level_text: str = ""
    binding: bool = False


class PendingItem(ResultModel):
    id: str
    text: str


class NationalGrade(ResultModel):
    """The same enterprise graded under another scheme (e.g. MIIT 2024), directly or through a crosswalk."""

    scheme_id: str
    scheme_version: str
    scheme_title: str
    estimated: bool = Field(description="true：由本问卷答案经对照表推算，仅供参考")
    grade: LevelRef
    score: float
    score_label: str
    breakdown: list[DimensionResult]
    scenes: list[SceneLevel]
    blockers: list[Blocker]
    pending: list[PendingItem] = Field(
        default_factory=empty_list, description="本问卷答案无法确定、需补充的指标（按 0 分/未达到计）"
    )
    note: str = ""
    borderline: bool = Field(
        False, description="处于临界：得分距某一等级分数线不足 2 分，或达标场景数距门槛只差一个"
    )
    deciding: list[str] = Field(
        default_factory=empty_list, description="临界时决定等级的因素（给企业看的句子）"
    )
    grade_source: str = Field("", description="等级名称与分数线、场景门槛的出处说明")
