"""Progress between two assessments of the same enterprise: a pure function of two Assessments.

Used by ``maturity compare`` and by the PDF report's progress section. Questions are matched by
id, so two versions of one questionnaire can be compared (questions only in one version show as
added or removed answers).
"""

from __future__ import annotations

from pydantic import Field

from maturity.errors import InputError
from maturity.models.results import Assessment, LevelRef, QuestionResult, ResultModel

COMPARE_SCHEMA_VERSION = 1

STATUS_TEXT = {
    "answered": "",
    "na": "不适用",
    "unanswered": "未答",
    "hidden": "未涉及",
    "not_applicable": "不适用本行业",
    "not_asked": "未问",
    "unscored": "",
    "absent": "（该版本无此题）",
}


class DimensionChange(ResultModel):
    id: str
    name: str
    old_score: float | None
    new_score: float | None
    delta: float | None = Field(description="新 − 旧；任一方无得分时为 null")
    old_level: str | None = None
    new_level: str | None = None


class AnswerChange(ResultModel):
    id: str
    dimension: str
    text: str
    old_answer: str
    new_answer: str
    old_score: float | None
    new_score: float | None
    delta: float | None


class Comparison(ResultModel):
    schema_version: int = COMPARE_SCHEMA_VERSION
    questionnaire_id: str
    old_version: str
    new_version: str
    enterprise: str
    same_enterprise: bool = Field(description="企业名称或统一社会信用代码一致")
    old_level: LevelRef
    new_level: LevelRef
    level_change: int = Field(description="等级变化（新 rank − 旧 rank）")
    score_label: str
    old_score: float
    new_score: float
    score_change: float
    dimensions: list[DimensionChange]
    answers: list[AnswerChange] = Field(description="答案有变化的题目，按问卷顺序")
    improved: int = Field(description="得分提高的题数")
    declined: int = Field(description="得分降低的题数")


def _delta(a: float | None, b: float | None, decimals: int = 2) -> float | None:
    return None if a is None or b is None else round(b - a, decimals)


def _shown(x: QuestionResult | None) -> str:
    if x is None:
        return STATUS_TEXT["absent"]
    if x.status == "na":
        return f"不适用（{x.justification}）" if x.justification else "不适用"
    if x.status in ("answered", "unscored"):
        return x.answer_text
    return STATUS_TEXT.get(x.status, x.status)


def _same_enterprise(old: Assessment, new: Assessment) -> bool:
    a, b = old.enterprise, new.enterprise
    if a.credit_code and b.credit_code:
        return a.credit_code == b.credit_code
    return a.name.strip() == b.name.strip()


def compare(old: Assessment, new: Assessment) -> Comparison:
    """What changed from ``old`` to ``new``; raises InputError if they use different questionnaires."""
    if old.questionnaire_id != new.questionnaire_id:
        raise InputError(
            f"两份评估使用不同的问卷（{old.questionnaire_id} 与 {new.questionnaire_id}），无法直接比较。",
            hint="请用同一问卷的两次评估结果比较。",
        )
    old_dims = {d.id: d for d in old.dimensions}
    dims: list[DimensionChange] = []
    for d in new.dimensions:
        od = old_dims.get(d.id)
        if d.total == 0 and (od is None or od.total == 0):
            continue
        dims.append(
            DimensionChange(
                id=d.id,
                name=d.name,
                old_score=od.score if od else None,
                new_score=d.score,
                delta=_delta(od.score if od else None, d.score),
                old_level=od.level.label if od and od.level else None,
                new_level=d.level.label if d.level else None,
            )
        )
    old_q = {x.id: x for x in old.questions}
    new_q = {x.id: x for x in new.questions}
    ids = [x.id for x in new.questions] + [x.id for x in old.questions if x.id not in new_q]
    changes: list[AnswerChange] = []
    for qid in ids:
        o, n = old_q.get(qid), new_q.get(qid)
        if (
            o is not None
            and n is not None
            and (o.status, o.answer, o.justification) == (n.status, n.answer, n.justification)
        ):
            continue
        ref = n or o
        assert ref is not None
        if (o is None or o.status == "not_applicable") and (n is None or n.status == "not_applicable"):
            continue
        changes.append(
            AnswerChange(
                id=qid,
                dimension=ref.dimension,
                text=ref.text,
                old_answer=_shown(o),
                new_answer=_shown(n),
                old_score=o.score if o else None,
                new_score=n.score if n else None,
                delta=_delta(o.score if o else None, n.score if n else None),
            )
        )
    return Comparison(
        questionnaire_id=new.questionnaire_id,
        old_version=old.questionnaire_version,
        new_version=new.questionnaire_version,
        enterprise=new.enterprise.name,
        same_enterprise=_same_enterprise(old, new),
        old_level=old.level,
        new_level=new.level,
        level_change=new.level.rank - old.level.rank,
        score_label=new.score_label,
        old_score=old.score,
        new_score=new.score,
        score_change=round(new.score - old.score, 2),
        dimensions=dims,
        answers=changes,
        improved=sum(1 for c in changes if (c.delta or 0) > 0),
        declined=sum(1 for c in changes if (c.delta or 0) < 0),
    )
