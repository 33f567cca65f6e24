"""Apply a crosswalk: derive another questionnaire's answers (e.g. MIIT 2024) from an assessment.

Pure: no I/O. Items the source answers cannot determine are returned as pending
(待补充) and left unanswered, so the derived score is a conservative estimate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from maturity.engine.conditions import holds
from maturity.engine.scoring import Scheme
from maturity.models.answers import Answer, AnswersFile
from maturity.models.crosswalk import Crosswalk
from maturity.models.questionnaire import Questionnaire
from maturity.models.results import Assessment


@dataclass
class Derived:
    answers: AnswersFile
    pending: list[str] = field(default_factory=list)  # target question ids not determined
    sources: dict[str, str] = field(default_factory=dict)  # target id -> how it was derived


def derive(
    cw: Crosswalk, source: Scheme, result: Assessment, target: Questionnaire, source_answers: AnswersFile
) -> Derived:
    return derive_from_state(
        cw,
        source.state_of(result),
        target,
        source_answers.enterprise,
        source_answers.created_at,
        source_answers.updated_at,
    )


def derive_from_state(
    cw: Crosswalk, state: Any, target: Questionnaire, ent: Any, created_at: Any = None, updated_at: Any = None
) -> Derived:
    """:func:`derive` from an assessed state (a batch row's Summary.state); ``state`` is changed (N/A earns nothing)."""
    values, how = derive_values(cw, state, target)
    out = {tid: Answer(value=v) for tid, v in values.items()}  # type: ignore[arg-type,unused-ignore]
    pending = [x.id for x in target.questions if x.scored and x.id not in out]
    sub = cw.sub_sectors.get(ent.sub_sector, ent.sub_sector)
    answers = AnswersFile(
        questionnaire=target.id,
        questionnaire_version=target.version,
        enterprise=ent.model_copy(update={"sub_sector": sub}),
        created_at=created_at,
        updated_at=updated_at,
        answers=out,
    )
    return Derived(answers, pending, how)


def derive_values(cw: Crosswalk, state: Any, target: Questionnaire) -> tuple[dict[str, Any], dict[str, str]]:
    """The target answers' canonical values (and how each was derived) from an assessed state (changed:
    an N/A or out-of-profile source answer earns no credit in the target scheme)."""
    state.na_passes = False  # an N/A or out-of-profile source answer earns no credit in the target scheme
    out: dict[str, Any] = {}
    how: dict[str, str] = {}
    for tid, m in cw.map.items():
        tq = target.question_map[tid]
        value: object = None
        if m.copy_ is not None:
            if state.status.get(m.copy_) == "answered":
                raw = state.values.get(m.copy_)
                value = m.values.get(raw, None) if (m.values and isinstance(raw, str)) else raw
                how[tid] = f"取自 {m.copy_}"
        elif m.cases is not None:
            order = {o.value: i for i, o in enumerate(target.options_of(tq))}
            best = None
            for case in m.cases:
                if holds(case.when, state) and (best is None or order[case.value] > order[best]):
                    best = case.value
            value = best if best is not None else m.default
            if value is not None:
                how[tid] = "按对照规则推定" + (f"（{m.note}）" if m.note else "")
        elif m.options is not None:
            chosen = [ov for ov, cond in m.options.items() if holds(cond, state)]
            value = chosen or ([m.none] if m.none else None)
            if value is not None:
                how[tid] = "按对照规则推定" + (f"（{m.note}）" if m.note else "")
        if value is not None:
            out[tid] = value
    return out, how
