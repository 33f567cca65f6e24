"""A crosswalk: how one questionnaire's answers determine another questionnaire's answers.

Used to estimate the MIIT 2024 grade from the light-industry answers. Each target
question is derived in one of three ways; a target question with no entry (or
whose entry yields nothing) is listed as 待补充 (to be supplied).

    map:
      B2: {copy: DB-02}                          # same kind; copies the value (numbers, or options via `values`)
      S7:                                        # single choice: the best case whose condition holds
        cases:
          - {value: "1", when: {question: QC-01, at_least: b}}
          - {value: "3", when: {all: [...]}}
        default: "0"                             # optional, when no case holds
      B4:                                        # multi choice: every option whose condition holds
        options: {B: {question: RD-03, at_least: c}, G: {...}}
        none: A                                  # optional: chosen when no option holds
"""

from __future__ import annotations

from pydantic import Field, model_validator

from maturity.models.base import ContentModel, Id, SemVer
from maturity.models.conditions import Condition


class CrosswalkEnd(ContentModel):
    questionnaire: Id
    version: SemVer


class Case(ContentModel):
    value: str
    when: Condition


class Mapping(ContentModel):
    copy_: Id | None = Field(None, alias="copy")
    values: dict[str, str] | None = Field(None, description="copy 时的选项取值对照")
    cases: list[Case] | None = None
    default: str | None = None
    options: dict[str, Condition] | None = None
    none: str | None = None
    note: str = ""

    @model_validator(mode="after")
    def _one_way(self) -> Mapping:
        ways = sum(x is not None for x in (self.copy_, self.cases, self.options))
        if ways != 1:
            raise ValueError("每个映射须且只能给出 copy / cases / options 之一")
        return self


class Crosswalk(ContentModel):
    id: Id
    version: SemVer
    title: str
    source: CrosswalkEnd = Field(alias="from")
    target: CrosswalkEnd = Field(alias="to")
    note: str = ""
    sub_sectors: dict[Id, Id] = Field(
        default_factory=dict, description="来源子行业 → 目标子行业（同名可省略）"
    )
    map: dict[Id, Mapping]
