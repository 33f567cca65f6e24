"""The 小快轻准 solution catalog (input) and the upgrade roadmap ``Plan`` (output).

A catalog belongs to one questionnaire: triggers are conditions over its questions and
dimensions, ``improves`` names the answers a deployed solution makes true (the roadmap
re-scores with them to project the level after each horizon). Costs and times are
indicative and configurable, never quotes.

The ``Plan`` JSON shape is stable like the Assessment's: fields are only ever added.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from maturity.models.base import Id, SemVer, StrictModel, Text
from maturity.models.conditions import Condition
from maturity.models.questionnaire import IndustryType, Source
from maturity.models.results import LevelRef, ResultModel

PLAN_SCHEMA_VERSION = 1

PolicyKind = Literal["subsidy", "fund", "service", "voucher", "loan"]


class Range(StrictModel):
    """An indicative ``[min, max]`` range (checked min ≤ max by the catalog loader, with a position)."""

    min: float = Field(ge=0)
    max: float = Field(ge=0)


class Kpi(StrictModel):
    metric: Text = Field(description="可度量的指标，如 成品一次合格率")
    target: Text = Field(description="预期变化，如 提升 2–5 个百分点")


class Policy(StrictModel):
    """A support an SME can cite when applying (subsidy, fund, free diagnosis, voucher)."""

    id: Id
    name: Text
    kind: PolicyKind
    summary: Text = Field(description="支持内容")
    amount: str = Field("", description="支持额度（以当地当年文件为准）")
    eligibility: str = Field("", description="申请条件，如 评测达到二级及以上")
    region: str = Field("", description="适用地区；全国性政策留空")
    source: Id


class Horizon(StrictModel):
    """One stage of the roadmap, e.g. 0–3 个月速赢."""

    id: Id
    name: Text
    start_weeks: int = Field(ge=0)
    end_weeks: int = Field(gt=0)
    max_items: int = Field(ge=1, description="本阶段最多安排的方案数（中小企业同时推进的项目有限）")
    description: str = ""


class Solution(StrictModel):
    """One 小快轻准 solution card."""

    id: Id
    title: Text
    dimension: Id = Field(description="所属场景或基础维度")
    changes: Text = Field(description="上线后实际工作方式有什么变化")
    lifts_to: Id = Field(description="该方案可帮助本维度达到的等级")
    cost: Range = Field(description="参考费用区间（万元），非报价")
    cost_note: str = Field("", description="费用口径，如 按年订阅、每台设备")
    weeks: Range = Field(description="参考部署周期（周）")
    prerequisites: list[Id] = Field(default_factory=list, description="须先具备的其他方案")
    requires: Condition | None = Field(None, description="在所排阶段开始时须已具备的条件（按预测状态判断）")
    kpis: list[Kpi] = Field(min_length=1)
    industry_types: list[IndustryType] = Field(default_factory=lambda: list[IndustryType](["discrete", "process"]))
    sub_sectors: list[Id] | None = Field(None, description="仅适用于这些子行业；不填则不限")
    policies: list[Id] = Field(default_factory=list)
    source: Id
    trigger: Condition = Field(description="何时推荐：与等级门槛相同的条件语言")
    improves: dict[Id, str | float | list[str]] = Field(
        min_length=1, description="方案落地后可如实改选的答案：题号 → 选项/数值（用于预测等级）")


class Catalog(StrictModel):
    id: Id
    version: SemVer
    title: Text
    questionnaire: Id
    questionnaire_version: SemVer
    note: Text = Field(description="费用与周期的性质说明（参考区间、可配置、非报价）——每份路线图都会显示")
    sources: list[Source] = Field(default_factory=list)
    horizons: list[Horizon] = Field(min_length=1)
    policies: list[Policy] = Field(default_factory=list)
    solutions: list[Solution] = Field(min_length=1)

    @property
    def solution_map(self) -> dict[str, Solution]:
        return {s.id: s for s in self.solutions}

    @property
    def policy_map(self) -> dict[str, Policy]:
        return {p.id: p for p in self.policies}


# ---- the roadmap ----------------------------------------------------------------------------
class Reason(ResultModel):
    """One answer (or dimension level) that made a trigger hold."""

    question: str | None = None
    dimension: str | None = None
    text: str


class Impact(ResultModel):
    """What the solution alone does, measured against the state projected at the start of its horizon."""

    addresses_next_level: bool = Field(description="单独实施即可补上下一等级的门槛缺口或分数缺口")
    raises_level: bool = Field(False, description="单独实施即可升到下一等级")
    gates: list[str] = Field(default_factory=list, description="单独实施后新通过的下一等级门槛")
    gaps_closed: int = Field(0, description="下一等级门槛中被补上的未满足条件数")
    score_gain: float = Field(0, description="单独实施后综合得分的提高")


class PlanItem(ResultModel):
    id: str
    title: str
    dimension: str
    dimension_name: str
    changes: str
    lifts_to: LevelRef
    cost: Range
    cost_note: str = ""
    weeks: Range
    start_week: int = Field(description="预计最早开始（自计划起第几周）")
    finish_week: int
    prerequisites: list[str] = Field(default_factory=list)
    kpis: list[Kpi] = Field(default_factory=list)
    policies: list[str] = Field(default_factory=list)
    source: str
    because: str = Field(description="推荐理由，如 因为：……（QC-04）")
    reasons: list[Reason]
    impact: Impact


class HorizonPlan(ResultModel):
    id: str
    name: str
    start_weeks: int
    end_weeks: int
    items: list[PlanItem]
    cost_min: float
    cost_max: float
    projected_level: LevelRef = Field(description="完成本阶段及之前各阶段后，按改进后的答案重新评分得到的等级")
    projected_score: float
    raised_dimensions: list[str] = Field(default_factory=list, description="等级提高的维度（名称 L2→L3）")


class LeftOut(ResultModel):
    id: str
    title: str
    kind: Literal["budget", "prerequisite", "capacity", "requires", "covered"]
    reason: str
    cost: Range


class PolicyRef(ResultModel):
    id: str
    name: str
    kind: str
    summary: str
    amount: str = ""
    eligibility: str = ""
    region: str = ""
    source: str


class Plan(ResultModel):
    schema_version: int = PLAN_SCHEMA_VERSION
    catalog_id: str
    catalog_version: str
    note: str
    method: str = Field(description="等级预测方法的说明")
    current_level: LevelRef
    current_score: float
    target_level: LevelRef = Field(description="完成全部阶段后的预测等级")
    budget: float | None = Field(None, description="预算上限（万元）；按参考费用上限累计")
    total_cost_min: float
    total_cost_max: float
    horizons: list[HorizonPlan]
    left_out: list[LeftOut] = Field(default_factory=list)
    policies: list[PolicyRef] = Field(default_factory=list, description="计划内方案可申请的政策支持")

    @property
    def items(self) -> list[PlanItem]:
        return [it for h in self.horizons for it in h.items]
