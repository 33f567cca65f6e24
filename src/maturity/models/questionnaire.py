"""The questionnaire: level scheme, dimensions, reusable scales and questions."""

from __future__ import annotations

from collections.abc import Collection
from functools import cached_property
from typing import Literal

from pydantic import Field, model_validator

from maturity.models.base import ContentModel, Id, SemVer, Text, empty_dict, empty_list
from maturity.models.conditions import Condition

IndustryType = Literal["discrete", "process", "mixed"]
QuestionKind = Literal["single", "multi", "number", "yesno", "text"]
Depth = Literal["core", "full"]

INDUSTRY_TYPE_NAMES = {"discrete": "离散型", "process": "流程型", "mixed": "混合型"}
DEPTH_NAMES = {"core": "核心问卷", "full": "完整问卷"}


def type_admits(listed: Collection[str], itype: str | None) -> bool:
    """Whether a question (or solution) listed for ``listed`` industry types applies to ``itype``.

    A mixed plant (a process front end and a discrete packing or converting line: 日化配制+灌装, 造纸+复卷分切,
    食品加工+包装) runs both kinds of line, so questions written for either type apply to it."""
    if itype == "mixed":
        return True
    return itype in listed


class Source(ContentModel):
    """A named document the content is drawn from."""

    id: Id
    title: Text
    issuer: str = ""
    ref: str = Field("", description="文号或标准号，如 工信部联消费〔2025〕57号")
    year: int | None = None
    url: str = ""
    note: str = ""


class Level(ContentModel):
    id: Id
    rank: int = Field(ge=0)
    name: Text
    label: Text = Field(description="短标签，如 L3")
    description: Text
    signs: list[str] = Field(default_factory=empty_list, description="可观察的典型特征")
    aligned_with: str = Field("", description="与公开等级体系的大致对应关系")
    source: Id | None = Field(
        None, description="等级描述的依据（sources 中的 id）；`maturity validate` 要求必填"
    )


class Dimension(ContentModel):
    id: Id
    name: Text
    kind: Literal["scenario", "foundation", "group"] = "scenario"
    description: str = ""
    source: Id | None = None


class SubSector(ContentModel):
    id: Id
    name: Text
    industry_type: IndustryType


class SizeBand(ContentModel):
    id: Id
    name: Text
    description: str = Field("", description="划分标准，如 从业人员与营业收入门槛")


class Option(ContentModel):
    value: str = Field(min_length=1, max_length=40)
    label: Text
    score: float = Field(ge=0, le=100, description="得分，占该题满分的百分比")
    exclusive: bool = Field(False, description="多选题中的互斥项（如“都没有”）")
    help: str = ""


class Band(ContentModel):
    """A numeric band: values up to ``max`` (inclusive) fall in it, after the previous band."""

    max: float
    score: float = Field(ge=0, le=100)
    label: str = ""


class Applicability(ContentModel):
    industry_types: list[IndustryType] | None = None
    sub_sectors: list[Id] | None = None

    def admits(self, itype: str | None, sub_sector: str | None) -> bool:
        """Whether an enterprise of this (effective) industry type and sub-sector is asked the question."""
        if self.industry_types is not None and not type_admits(self.industry_types, itype):
            return False
        return self.sub_sectors is None or sub_sector in self.sub_sectors


class Question(ContentModel):
    id: Id
    dimension: Id
    kind: QuestionKind
    text: Text
    short: str = Field("", max_length=20, description="简称，用于列表和图表（如 质量管理）")
    help: str = ""
    source: Id
    basis: str = Field("", description="出处中的具体条款或要点")
    scale: Id | None = None
    options: list[Option] | None = None
    unit: str = ""
    min: float | None = None
    max: float | None = None
    plausible_max: float | None = Field(
        None, description="数值题：超过此值时访谈请作答人确认（只询问，不阻止），如数字化投入占营收比例 > 10%"
    )
    bands: list[Band] | None = None
    required: bool = True
    allow_na: bool = False
    applies_to: Applicability | None = None
    show_if: Condition | None = None
    tags: list[Id] = Field(default_factory=empty_list)
    priority: bool = Field(
        False, description="企业的诉求（痛点、预算、时间、现有系统）：不计分，只用于排序建议"
    )
    record: bool = Field(
        False,
        description="诊断基本情况或基线指标（如接单方式、出口占比、准时交付率）：不计分，记入答卷和报告"
        "（基线指标供路线图的目标值对照）",
    )
    depth: Depth = Field(
        "core",
        description="core：核心问卷（企业负责人约 20 分钟）和完整问卷都问；full：只在完整问卷（现场评估，"
        "maturity assess --full）中问。核心问卷未问的题目不计 0 分，而是不参与计分",
    )

    @model_validator(mode="after")
    def _shape(self) -> Question:
        k = self.kind
        if k in ("single", "multi") and (self.scale is None) == (self.options is None):
            raise ValueError(f"{k} 题须且只能给出 scale 或 options 之一")
        if k not in ("single", "multi") and (self.scale or self.options):
            raise ValueError(f"{k} 题不能有 scale / options")
        if self.record and self.priority:
            raise ValueError("record（基本情况/基线指标）与 priority（诉求）不能同时为 true")
        if k == "number":
            if not self.bands:
                if self.record:  # a baseline figure: recorded, never scored
                    return self
                raise ValueError("number 题须给出 bands（数值分档及得分）")
            maxes = [b.max for b in self.bands]
            if maxes != sorted(maxes) or len(set(maxes)) != len(maxes):
                raise ValueError("bands 的 max 须严格递增")
            if self.min is not None and self.max is not None and self.min > self.max:
                raise ValueError("min 不能大于 max")
        elif self.bands is not None:
            raise ValueError(f"{k} 题不能有 bands")
        return self

    @property
    def scored(self) -> bool:
        return self.kind != "text" and not self.priority and not self.record

    @property
    def ranked(self) -> bool:
        """A multi-choice answer whose order means something (tag ``ranked``: most important first)."""
        return "ranked" in self.tags


# worst -> best; constructed without validation (the values are literal and valid) so that importing this
# module does not build Option's validator (model schemas are built on first use, see StrictModel)
YES_NO = [
    Option.model_construct(value="no", label="否", score=0.0),
    Option.model_construct(value="yes", label="是", score=100.0),
]


class Migration(ContentModel):
    """How answers given against an older version map onto this one."""

    from_version: SemVer
    rename: dict[str, str] = Field(default_factory=empty_dict)
    drop: list[str] = Field(default_factory=empty_list)
    added: list[str] = Field(
        default_factory=empty_list,
        description="本版新增、旧版未问的题目（批量模板缺少这些列时整表拒收并说明）",
    )
    note: str = ""


class AnswerCheck(ContentModel):
    """Two answers that cannot both be true as written (automatic sub-meters, yet the energy is read by hand):
    said before the result, for the assessor to verify on site."""

    id: Id
    when: Condition = Field(description="两项作答同时成立时即自相矛盾（只引用题目）")
    message: Text = Field(description="请现场核实的内容（给评估人和企业看）")


class Questionnaire(ContentModel):
    id: Id
    version: SemVer
    title: Text
    locale: str = "zh-CN"
    description: str = ""
    scheme_note: Text = Field(description="等级体系的性质说明（例如：本工具自定义，非官方评定）")
    sources: list[Source] = Field(min_length=1)
    levels: list[Level] = Field(min_length=2)
    dimensions: list[Dimension] = Field(min_length=1)
    sub_sectors: list[SubSector] = Field(default_factory=empty_list)
    size_bands: list[SizeBand] = Field(default_factory=empty_list)
    scales: dict[Id, list[Option]] = Field(default_factory=empty_dict)
    questions: list[Question] = Field(min_length=1)
    migrations: list[Migration] = Field(default_factory=empty_list)
    checks: list[AnswerCheck] = Field(
        default_factory=empty_list, description="相互矛盾的作答组合，请现场核实"
    )

    # ---- lookups (built once; the model is frozen) ----------------------------------------
    def question(self, qid: str) -> Question:
        return self.question_map[qid]

    @cached_property
    def question_map(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    @cached_property
    def dimension_map(self) -> dict[str, Dimension]:
        return {d.id: d for d in self.dimensions}

    @cached_property
    def level_map(self) -> dict[str, Level]:
        return {lv.id: lv for lv in self.levels}

    @cached_property
    def sub_sector_map(self) -> dict[str, SubSector]:
        return {s.id: s for s in self.sub_sectors}

    @cached_property
    def option_labels(self) -> dict[str, dict[str, str]]:
        return {q.id: {o.value: o.label for o in self.options_of(q)} for q in self.questions}

    def options_of(self, q: Question) -> list[Option]:
        if q.kind == "yesno":
            return YES_NO
        if q.options is not None:
            return q.options
        if q.scale is not None:
            return self.scales.get(q.scale, [])
        return []

    def industry_type_of(self, sub_sector: str, override: str | None = None) -> str | None:
        """The effective industry type: the enterprise's own (``override``) or its sub-sector's."""
        if override:
            return override
        sub = self.sub_sector_map.get(sub_sector)
        return sub.industry_type if sub else None

    def not_asked(self, depth: str | None, migrated_from: str | None, answered: set[str] | dict) -> set[str]:
        """Questions the enterprise was never shown and has no answer to: full-depth questions on a core
        interview, and questions added since the version an older answers file was migrated from."""
        out: set[str] = set()
        if depth == "core":
            out.update(x.id for x in self.questions if x.depth == "full")
        if migrated_from:
            m = next((m for m in self.migrations if m.from_version == migrated_from), None)
            if m is not None:
                out.update(m.added)
        return {qid for qid in out if qid not in answered}

    def levels_sorted(self) -> list[Level]:
        return sorted(self.levels, key=lambda lv: lv.rank)
