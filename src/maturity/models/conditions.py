"""The structured condition language shared by level gates, skip logic and triggers.

A condition is a YAML mapping with exactly one of these shapes::

    all: [cond, ...]            # every one holds
    any: [cond, ...]            # at least one holds
    not: cond                   # negation (breaks monotonicity; avoid in gates)
    question: Q-ID              # a question predicate, with one of
      at_least: option-value    #   chosen option at or above this one (options run worst -> best)
      in: [v, ...]              #   chosen option among these
      includes: [v, ...]        #   multi-choice includes all of these
      score_at_least: 60        #   question score (0-100)
      value_at_least: 30        #   numeric answer
      answered: true
    dimension: D-ID             # a dimension predicate, with one of
      level_at_least: L3
      score_at_least: 50
    score_at_least: 60          # overall score
    count:                      # how many questions or dimensions satisfy a predicate
      questions: {tag: scene}   #   or dimensions: {kind: scenario} / {ids: [...]}
      where: {at_least: "3"}    #   a question or dimension predicate without its id
      at_least: 8

No string is ever evaluated: every shape is a model.
"""

from __future__ import annotations

from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag, model_validator

from maturity.models.base import StrictModel


class QuestionPredicate(StrictModel):
    at_least: str | None = None
    in_: list[str] | None = Field(default=None, alias="in")
    includes: list[str] | None = None
    score_at_least: float | None = Field(default=None, ge=0, le=100)
    value_at_least: float | None = None
    answered: bool | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> QuestionPredicate:
        set_ = [
            k
            for k in ("at_least", "in_", "includes", "score_at_least", "value_at_least", "answered")
            if getattr(self, k) is not None
        ]
        if len(set_) != 1:
            raise ValueError(
                "题目条件须且只能给出一项：at_least / in / includes / score_at_least / "
                "value_at_least / answered"
            )
        return self


class DimensionPredicate(StrictModel):
    level_at_least: str | None = None
    score_at_least: float | None = Field(default=None, ge=0, le=100)

    @model_validator(mode="after")
    def _exactly_one(self) -> DimensionPredicate:
        if (self.level_at_least is None) == (self.score_at_least is None):
            raise ValueError("维度条件须且只能给出一项：level_at_least / score_at_least")
        return self


class QuestionCond(QuestionPredicate):
    question: str


class DimensionCond(DimensionPredicate):
    dimension: str


class ScoreCond(StrictModel):
    score_at_least: float = Field(ge=0, le=100)


class Selector(StrictModel):
    """Which questions or dimensions a count looks at."""

    ids: list[str] | None = None
    tag: str | None = None
    kind: str | None = None

    @model_validator(mode="after")
    def _one(self) -> Selector:
        if sum(x is not None for x in (self.ids, self.tag, self.kind)) != 1:
            raise ValueError("选择器须且只能给出一项：ids / tag / kind")
        return self


class CountSpec(StrictModel):
    questions: Selector | None = None
    dimensions: Selector | None = None
    where: dict[str, Any]
    at_least: int = Field(ge=0)
    label: str = Field("", description="计数对象的名称，用于说明文字（如 系统集成要素）；不写时按选择器生成")

    @model_validator(mode="after")
    def _check(self) -> CountSpec:
        if (self.questions is None) == (self.dimensions is None):
            raise ValueError("count 须且只能给出 questions 或 dimensions 之一")
        model = QuestionPredicate if self.questions is not None else DimensionPredicate
        model.model_validate(self.where)
        return self

    @cached_property
    def _predicate(self) -> QuestionPredicate | DimensionPredicate:
        model = QuestionPredicate if self.questions is not None else DimensionPredicate
        return model.model_validate(self.where)

    def predicate(self) -> QuestionPredicate | DimensionPredicate:
        return self._predicate


class CountCond(StrictModel):
    count: CountSpec


class AllCond(StrictModel):
    all: list[Condition] = Field(min_length=1)


class AnyCond(StrictModel):
    any: list[Condition] = Field(min_length=1)


class NotCond(StrictModel):
    not_: Condition = Field(alias="not")


_KEYS = ("all", "any", "not", "question", "dimension", "count", "score_at_least")


def _discriminate(value: Any) -> str | None:
    if isinstance(value, dict):
        for key in _KEYS:
            if key in value:
                return key
        return None
    for key, cls in (
        ("all", AllCond),
        ("any", AnyCond),
        ("not", NotCond),
        ("question", QuestionCond),
        ("dimension", DimensionCond),
        ("count", CountCond),
    ):
        if isinstance(value, cls):
            return key
    if isinstance(value, ScoreCond):
        return "score_at_least"
    return None


Condition = Annotated[
    Annotated[AllCond, Tag("all")]
    | Annotated[AnyCond, Tag("any")]
    | Annotated[NotCond, Tag("not")]
    | Annotated[QuestionCond, Tag("question")]
    | Annotated[DimensionCond, Tag("dimension")]
    | Annotated[CountCond, Tag("count")]
    | Annotated[ScoreCond, Tag("score_at_least")],
    Discriminator(
        _discriminate,
        custom_error_type="condition_shape",
        custom_error_message="条件须以 all / any / not / question / dimension / count / score_at_least 之一开头",
    ),
]

# AllCond, AnyCond and NotCond refer to Condition before it exists: their schema (deferred, see StrictModel)
# is built on first use, when the name resolves.


def walk(cond: Any):
    """Yield every node of a condition tree, depth first."""
    yield cond
    if isinstance(cond, AllCond):
        for c in cond.all:
            yield from walk(c)
    elif isinstance(cond, AnyCond):
        for c in cond.any:
            yield from walk(c)
    elif isinstance(cond, NotCond):
        yield from walk(cond.not_)


ConditionKind = Literal["all", "any", "not", "question", "dimension", "count", "score_at_least"]
