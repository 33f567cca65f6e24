"""Shared pydantic base: unknown keys are errors, instances are immutable."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints, field_validator

Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_.-]*$", max_length=64)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
SemVer = Annotated[str, StringConstraints(pattern=r"^\d+\.\d+\.\d+$")]


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True, defer_build=True)


_CJK = r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef\u2014\u2018-\u201d\u2026]"
_FOLDED_GAP = re.compile(rf"(?<=[/、]|{_CJK})[ \t]*\n?[ \t]+(?={_CJK})|(?<={_CJK})[ \t]*\n[ \t]*(?={_CJK})")


def join_cjk_lines(text: str) -> str:
    """Remove the spaces YAML line folding puts between Chinese characters ("部门或 评定" -> "部门或评定").

    Content authors wrap long Chinese paragraphs with `>-`; a space between two CJK
    characters is never intended in Chinese prose and renders as a visible gap.
    """
    return _FOLDED_GAP.sub("", text)


class ContentModel(StrictModel):
    """Authored content (questionnaires, rules, catalogs): folded Chinese prose is re-joined."""

    @field_validator("*", mode="before")
    @classmethod
    def _join_cjk(cls, v: Any) -> Any:
        return join_cjk_lines(v) if isinstance(v, str) and ("\n" in v or " " in v) else v
