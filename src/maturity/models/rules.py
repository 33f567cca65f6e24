"""Scoring rules: weights, score-to-level bands and level gates."""

from __future__ import annotations

from pydantic import Field, model_validator

from maturity.models.base import ContentModel, Id, SemVer, Text, empty_dict, empty_list
from maturity.models.conditions import Condition
from maturity.models.questionnaire import IndustryType


class WeightSet(ContentModel):
    dimensions: dict[Id, float] = Field(default_factory=empty_dict)
    questions: dict[Id, float] = Field(default_factory=empty_dict)

    @model_validator(mode="after")
    def _non_negative(self) -> WeightSet:
        for table in (self.dimensions, self.questions):
            for key, w in table.items():
                if w < 0:
                    raise ValueError(f"权重不能为负：{key} = {w}")
        return self


class Weights(WeightSet):
    """Default weights (dimension default 1, question default 1), optionally overridden per industry type."""

    by_industry_type: dict[IndustryType, WeightSet] = Field(default_factory=empty_dict)


class LevelBand(ContentModel):
    level: Id
    min_score: float = Field(ge=0, le=100)


class Gate(ContentModel):
    id: Id
    level: Id = Field(description="达到该等级所需满足的门槛")
    title: Text
    when: Condition
    explain: str = Field("", description="面向企业的说明：为什么设这道门槛")
    source: Id | None = None


class Rules(ContentModel):
    id: Id
    version: SemVer
    questionnaire: Id
    questionnaire_version: SemVer
    title: Text
    score_label: str = Field("综合得分", description="总分的名称")
    score_decimals: int = Field(1, ge=0, le=3)
    weights: Weights = Field(default_factory=Weights)
    level_bands: list[LevelBand] = Field(min_length=1)
    dimension_bands: list[LevelBand] = Field(default_factory=empty_list)
    gates: list[Gate] = Field(default_factory=empty_list)

    @model_validator(mode="after")
    def _bands_ordered(self) -> Rules:
        for name in ("level_bands", "dimension_bands"):
            bands = getattr(self, name)
            mins = [b.min_score for b in bands]
            if mins != sorted(mins):
                raise ValueError(f"{name} 须按 min_score 从低到高排列")
            if bands and bands[0].min_score != 0:
                raise ValueError(f"{name} 第一档的 min_score 须为 0")
        return self
