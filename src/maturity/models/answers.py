"""An answers file: the enterprise profile and its answers to one questionnaire version."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from maturity.models.base import Id, SemVer, StrictModel, Text

_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def credit_code_problem(code: str) -> str | None:
    """Why ``code`` is not a valid 统一社会信用代码 (GB 32100-2015), or None if it is."""
    if len(code) != 18:
        return f"应为 18 位，实际 {len(code)} 位"
    bad = [c for c in code if c not in _CREDIT_CHARS]
    if bad:
        return f"含有不允许的字符：{''.join(bad)}（不使用 I、O、Z、S、V）"
    total = sum(_CREDIT_CHARS.index(c) * w for c, w in zip(code[:17], _CREDIT_WEIGHTS, strict=True))
    check = _CREDIT_CHARS[(31 - total % 31) % 31]
    if code[17] != check:
        return f"校验位不符（按前 17 位计算应为 {check}）"
    return None


def clean_text(value: str) -> str:
    """Normalise user-typed text: NFC, no control characters, trimmed."""
    value = unicodedata.normalize("NFC", value)
    return _CONTROL.sub("", value).strip()


class Enterprise(StrictModel):
    name: Text = Field(max_length=100)
    credit_code: str | None = Field(None, description="统一社会信用代码（18 位，可选）")
    sub_sector: Id
    size: Id | None = None
    region: str = ""
    contact: str = ""
    assessor: str = Field("", description="评估人 / 数字专员（可选）")
    mode: Literal["self", "onsite"] | None = Field(
        None, description="评估方式：self 企业自评（默认），onsite 现场评估（评估人到企业现场核实）")

    @field_validator("name", "region", "contact", "assessor", mode="before")
    @classmethod
    def _clean(cls, v: Any) -> Any:
        return clean_text(v) if isinstance(v, str) else v

    @field_validator("credit_code", mode="before")
    @classmethod
    def _credit(cls, v: Any) -> Any:
        if v is None:
            return None
        if not isinstance(v, str):
            v = str(v)
        v = unicodedata.normalize("NFKC", v).strip().upper()
        if not v:
            return None
        problem = credit_code_problem(v)
        if problem:
            raise ValueError(f"统一社会信用代码无效：{problem}")
        return v


AnswerValue = str | float | bool | list[str] | None


class Answer(StrictModel):
    value: AnswerValue = None
    na: bool = False
    justification: str = ""
    note: str = ""
    evidence: str = Field("", max_length=200,
                          description="佐证：支持本题答案的文件名或路径（如 设备台账2026.xlsx），显示在顾问附录中")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        # `Q-ID: b` or `Q-ID: [a, b]` or `Q-ID: 35` are shorthand for {value: ...}
        if isinstance(data, dict):
            return data
        if isinstance(data, int) and not isinstance(data, bool):
            return {"value": float(data)}
        return {"value": data}

    @field_validator("note", "justification", "evidence", mode="before")
    @classmethod
    def _clean(cls, v: Any) -> Any:
        return clean_text(v) if isinstance(v, str) else v

    @model_validator(mode="after")
    def _na(self) -> Answer:
        if self.na and self.value not in (None, "", []):
            raise ValueError("已标记为不适用（na: true）的题目不能同时有答案")
        return self

    @property
    def is_empty(self) -> bool:
        return not self.na and self.value in (None, "", [])


class AnswersFile(StrictModel):
    questionnaire: Id
    questionnaire_version: SemVer
    enterprise: Enterprise
    created_at: datetime | None = None
    updated_at: datetime | None = None
    answers: dict[str, Answer] = Field(default_factory=dict)
