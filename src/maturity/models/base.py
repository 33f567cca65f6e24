"""Shared pydantic base: unknown keys are errors, instances are immutable."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationInfo, field_validator

from maturity.cjk import join_cjk_lines

Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_.-]*$", max_length=64)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
SemVer = Annotated[str, StringConstraints(pattern=r"^\d+\.\d+\.\d+$")]


def empty_list() -> list[Any]:
    """``default_factory`` for list fields. Not ``list`` itself: pydantic inspects a factory's signature when it
    builds a schema, and for a builtin that means parsing its text signature (about 0.1 ms each, with a
    one-off tokenizer set-up of a few milliseconds on every start)."""
    return []


def empty_dict() -> dict[Any, Any]:
    """``default_factory`` for dict fields (see :func:`empty_list`)."""
    return {}


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True, defer_build=True)


class ContentModel(StrictModel):
    """Authored content (questionnaires, rules, catalogs): folded Chinese prose is re-joined.

    Fields named in ``verbatim_fields`` are kept as written (names such as "云 CAD / 三维设计工具普及", where the
    space after "/" is meant)."""

    verbatim_fields: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _join_cjk(cls, v: Any, info: ValidationInfo) -> Any:
        if isinstance(v, str) and ("\n" in v or " " in v) and info.field_name not in cls.verbatim_fields:
            return join_cjk_lines(v)
        return v
