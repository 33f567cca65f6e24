"""The 小快轻准 solution catalog (input) and the upgrade roadmap ``Plan`` (output).

A catalog belongs to one questionnaire: triggers are conditions over its questions and
dimensions, ``improves`` names the answers a deployed solution makes true (the roadmap
re-scores with them to project the level after each horizon). Costs and times are
indicative and configurable, never quotes.

The ``Plan`` JSON shape is stable like the Assessment's: fields are only ever added.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from maturity.cjk import join_cjk_lines
from maturity.models.base import ContentModel, Id, SemVer, StrictModel, Text, empty_dict, empty_list
from maturity.models.conditions import Condition
from maturity.models.questionnaire import IndustryType, Source
from maturity.models.results import LevelRef, ResultModel

PLAN_SCHEMA_VERSION = 2

# The questionnaire's priority questions the roadmap reads (not scored; see questionnaires/light-industry.yaml).
PAINS = "PR-01"  # the owner's pains (multi choice): solutions' `addresses` name its options
BUDGET = "PR-02"  # budget band (single choice): its upper bound is the default budget cap
HORIZON = "PR-03"  # time horizon (single choice): how many roadmap stages to fill
SYSTEMS = "PR-04"  # systems already in use (multi choice): solutions' `provides` name its options
BUDGET_CAPS: dict[str, float | None] = {
    "lt5": 5,
    "5-10": 10,
    "10-15": 15,
    "15-30": 30,
    "30-50": 50,
    "50-100": 100,
    "gt100": None,
    "unsure": None,
}
HORIZON_STAGES: dict[str, int] = {"quarter": 1, "year": 2, "two-years": 3}

PolicyKind = Literal["subsidy", "fund", "service", "voucher", "loan"]


class Range(StrictModel):
    """An indicative ``[min, max]`` range (checked min ≤ max by the catalog loader, with a position)."""

    min: float = Field(ge=0)
    max: float = Field(ge=0)


class Kpi(ContentModel):
    metric: Text = Field(description="可度量的指标，如 成品一次合格率")
    target: Text = Field(description="预期变化，如 提升 2–5 个百分点")
    baseline: Id | None = Field(
        None,
        description="记录该指标现状的基线题（问卷中 record: true 的数值题，如 准时交付率）；报告中列出基线值",
    )


class Policy(ContentModel):
    """A support an SME can cite when applying (subsidy, fund, free diagnosis, voucher)."""

    id: Id
    name: Text
    issuer: str = Field("", description="发文机关，如 国务院、工业和信息化部等七部门")
    ref: str = Field("", description="文号，如 国发〔2024〕7号；未检索到文号的留空")
    year: int | None = Field(None, ge=2000, le=2100, description="发布年份")
    kind: PolicyKind
    summary: Text = Field(description="支持内容")
    amount: str = Field("", description="支持额度（以当地当年文件为准）")
    eligibility: str = Field("", description="申请条件，如 评测达到二级及以上")
    region: str = Field("", description="适用地区；全国性政策留空")
    applies_in: list[str] = Field(
        default_factory=empty_list,
        description="只对这些地区的企业显示（与企业所在地区按开头匹配，如 江西）；留空为全国",
    )
    source: Id


class Horizon(ContentModel):
    """One stage of the roadmap, e.g. 0–3 个月速赢."""

    id: Id
    name: Text
    start_weeks: int = Field(ge=0)
    end_weeks: int = Field(gt=0)
    max_items: int = Field(ge=1, description="本阶段最多安排的方案数（中小企业同时推进的项目有限）")
    description: str = ""


class Solution(ContentModel):
    """One 小快轻准 solution card."""

    verbatim_fields = frozenset({"title"})

    id: Id
    title: Text
    dimension: Id = Field(description="所属场景或基础维度")
    changes: Text = Field(description="上线后实际工作方式有什么变化")
    changes_for: dict[Id, str] = Field(
        default_factory=empty_dict,
        description="按子行业改写的“实际变化”（用本行业自己的指标和术语）：子行业 → 文字；未列出的子行业用 changes",
    )
    lifts_to: Id = Field(description="该方案可帮助本维度达到的等级")
    cost: Range = Field(description="参考费用区间（万元），非报价")
    cost_note: str = Field("", description="费用口径，如 按年订阅、每台设备")
    weeks: Range = Field(description="参考部署周期（周）")
    prerequisites: list[Id] = Field(default_factory=empty_list, description="须先具备的其他方案")
    requires: Condition | None = Field(None, description="在所排阶段开始时须已具备的条件（按预测状态判断）")
    kpis: list[Kpi] = Field(min_length=1)
    industry_types: list[IndustryType] = Field(
        default_factory=lambda: list[IndustryType](["discrete", "process"])
    )
    sub_sectors: list[Id] | None = Field(None, description="仅适用于这些子行业；不填则不限")
    policies: list[Id] = Field(default_factory=empty_list)
    source: Id
    trigger: Condition = Field(description="何时推荐：与等级门槛相同的条件语言")
    improves: dict[Id, str | float | list[str]] = Field(
        min_length=1, description="方案落地后可如实改选的答案：题号 → 选项/数值（用于预测等级）"
    )
    addresses: list[Id] = Field(
        default_factory=empty_list, description="能解决的企业痛点（问卷 PR-01 的选项）"
    )
    provides: list[Id] = Field(
        default_factory=empty_list,
        description="方案本身就是这些系统（问卷 PR-04 的选项）：企业已在用时不再推荐",
    )
    included_in: list[Id] = Field(
        default_factory=empty_list,
        description="常带有本方案功能的系统（问卷 PR-04 的选项）：企业已在用时，建议先启用现有系统的模块",
    )
    paperwork: bool = Field(False, description="只是建立制度、文件或流程，不改变生产经营的数字化手段")

    @field_validator("changes_for", mode="before")
    @classmethod
    def _join_variants(cls, v: Any) -> Any:
        return (
            {k: join_cjk_lines(t) if isinstance(t, str) else t for k, t in v.items()}
            if isinstance(v, dict)
            else v
        )

    def changes_in(self, sub_sector: str | None) -> str:
        """What changes on the shop floor, in the words of the firm's own trade where the catalog has them."""
        return self.changes_for.get(sub_sector or "", self.changes)


class Catalog(ContentModel):
    id: Id
    version: SemVer
    title: Text
    questionnaire: Id
    questionnaire_version: SemVer
    note: Text = Field(description="费用与周期的性质说明（参考区间、可配置、非报价）——每份路线图都会显示")
    sources: list[Source] = Field(default_factory=empty_list)
    horizons: list[Horizon] = Field(min_length=1)
    policies: list[Policy] = Field(default_factory=empty_list)
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
    gates: list[str] = Field(default_factory=empty_list, description="单独实施后新通过的下一等级门槛")
    gaps_closed: int = Field(0, description="下一等级门槛中被补上的未满足条件数")
    score_gain: float = Field(0, description="单独实施后综合得分的提高")
    pains: list[str] = Field(default_factory=empty_list, description="能解决的企业所选痛点（PR-01 选项）")
    dimension_level: str | None = Field(
        None, description="单独实施后（在本阶段起点之上）方案所在维度重新评分得到的等级"
    )
    dimension_gain: float = Field(0, description="单独实施后方案所在维度得分的提高")


class PlanItem(ResultModel):
    id: str
    title: str
    dimension: str
    dimension_name: str
    changes: str
    lifts_to: LevelRef = Field(description="方案目录中该方案针对的等级上限（不是本企业的预测）")
    reaches: LevelRef | None = Field(
        None, description="完成本方案后（在本阶段起点之上）所在维度按改进后的答案重新评分得到的等级"
    )
    level_before: LevelRef | None = Field(None, description="本阶段起点时所在维度的等级")
    cost: Range
    cost_note: str = ""
    weeks: Range
    start_week: int = Field(description="预计最早开始（自计划起第几周）")
    finish_week: int
    prerequisites: list[str] = Field(default_factory=empty_list)
    prerequisite_titles: list[str] = Field(
        default_factory=empty_list, description="前置方案的名称（与 prerequisites 一一对应）"
    )
    kpis: list[Kpi] = Field(default_factory=empty_list)
    policies: list[str] = Field(default_factory=empty_list)
    source: str
    paperwork: bool = Field(False, description="只是建立制度或文件（不是数字化改造）")
    addresses: list[str] = Field(default_factory=empty_list, description="能解决的企业所选问题（原文）")
    because: str = Field(description="推荐理由，如 因为：……（QC-04）")
    in_use_note: str = Field("", description="企业已在用的系统常带有此功能时的提示：先启用现有模块")
    reasons: list[Reason]
    impact: Impact

    @property
    def lift(self) -> str:
        """What this item alone does to its dimension, re-scored for this firm: "数字化质量检测 L4→L6（+13.6 分）",
        or "数字化质量检测 +6.0 分（仍为 L5）" when the level does not move; "" when the dimension is not scored."""
        after, before, gain = self.reaches, self.level_before, self.impact.dimension_gain
        if after is None:
            return ""
        plus = f"+{gain:.1f} 分" if gain >= 0.05 else ""
        if before is not None and after.rank > before.rank:
            return f"{self.dimension_name} {before.label}→{after.label}" + (f"（{plus}）" if plus else "")
        return (
            f"{self.dimension_name} {plus}（仍为 {after.label}）"
            if plus
            else f"{self.dimension_name}（仍为 {after.label}）"
        )


class HorizonPlan(ResultModel):
    id: str
    name: str
    start_weeks: int
    end_weeks: int
    items: list[PlanItem]
    cost_min: float
    cost_max: float
    projected_level: LevelRef = Field(
        description="完成本阶段及之前各阶段后，按改进后的答案重新评分得到的等级"
    )
    projected_score: float
    raised_dimensions: list[str] = Field(
        default_factory=empty_list, description="等级提高的维度（名称 L2→L3）"
    )
    projected_grade: ProjectedGrade | None = Field(
        None, description="完成本阶段及之前各阶段后，按对照表估算的全国评测等级（无对照表时为空）"
    )


class ProjectedGrade(ResultModel):
    """The national grade (MIIT 2024) estimated on a projected set of answers."""

    label: str = Field(description="如 二级；未达一级时为 未达一级")
    score: float = Field(description="评测得分（一位小数）")
    borderline: bool = Field(False, description="得分距某一等级分数线不足 2 分，或场景数距门槛只差一个")


class GradeStep(ResultModel):
    """The cheapest set of catalog solutions that lifts the estimated national grade by one."""

    target: str = Field(description="可达到的等级，如 二级")
    gap: float = Field(description="当前评测得分距该等级分数线的差距（分，≤0 表示分数已够、差的是场景）")
    solutions: list[str] = Field(description="方案编号")
    titles: list[str]
    cost: Range
    paperwork_only: bool = Field(description="全部是制度或文件类工作，不是数字化改造")
    score_after: float
    fits_budget: bool = True
    text: str = Field(description="给企业看的一句话，如 差 0.02 分：建立并执行网络安全管理制度即可达到二级")


class LeftOut(ResultModel):
    id: str
    title: str
    kind: Literal["budget", "prerequisite", "capacity", "requires", "covered", "horizon"]
    reason: str
    cost: Range
    missing: list[str] = Field(
        default_factory=list, description="未纳入计划的前置方案（kind 为 prerequisite 时）"
    )
    missing_titles: list[str] = Field(default_factory=list, description="这些前置方案的名称")


class PolicyRef(ResultModel):
    id: str
    name: str
    issuer: str = ""
    ref: str = ""
    year: int | None = None
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
    budget_source: Literal["option", "answers", "none"] = Field(
        "none", description="预算上限从哪来：option 命令行 --budget；answers 答卷“预算范围”一题；none 未设"
    )
    priorities: str = Field("", description="一句话说明怎样使用了企业所选的痛点、预算和时间")
    pains: list[str] = Field(default_factory=empty_list, description="企业所选痛点（原文）")
    grade_step: GradeStep | None = Field(
        None, description="达到下一个全国评测等级的最省方案（在可及范围内时）"
    )
    nothing_fits: str = Field("", description="预算内放不下任何方案时的说明和最省的第一步")
    total_cost_min: float
    total_cost_max: float
    horizons: list[HorizonPlan]
    left_out: list[LeftOut] = Field(default_factory=empty_list)
    policies: list[PolicyRef] = Field(default_factory=empty_list, description="计划内方案可申请的政策支持")

    @property
    def items(self) -> list[PlanItem]:
        return [it for h in self.horizons for it in h.items]
