"""Cross-reference checks for conditions: every id, option and level they name must exist."""

from __future__ import annotations

from typing import Any

from maturity.engine.conditions import select_dimensions, select_questions
from maturity.models.conditions import (
    AllCond,
    AnyCond,
    CountCond,
    DimensionCond,
    DimensionPredicate,
    NotCond,
    QuestionCond,
    QuestionPredicate,
    ScoreCond,
)
from maturity.models.questionnaire import Questionnaire


def check_condition(
    cond: Any,
    q: Questionnaire,
    path: tuple,
    *,
    questions_only: bool = False,
    allow_not: bool = True,
    before: set[str] | None = None,
) -> list[tuple[tuple, str, Any]]:
    """Problems ``(path, message, value)`` in one condition tree.

    ``questions_only`` (skip logic): only question predicates make sense before scoring.
    ``before``: question ids that may be referenced (skip logic may look only backwards).
    """
    out: list[tuple[tuple, str, Any]] = []
    if isinstance(cond, AllCond | AnyCond):
        key = "all" if isinstance(cond, AllCond) else "any"
        for i, c in enumerate(getattr(cond, key)):
            out += check_condition(
                c, q, path + (key, i), questions_only=questions_only, allow_not=allow_not, before=before
            )
    elif isinstance(cond, NotCond):
        if not allow_not:
            out.append(
                (path + ("not",), "此处不能使用 not：它会让“答得更好反而降级/减分”，破坏评分的单调性", "not")
            )
        out += check_condition(
            cond.not_, q, path + ("not",), questions_only=questions_only, allow_not=allow_not, before=before
        )
    elif isinstance(cond, QuestionCond):
        out += _check_question_ref(cond.question, cond, q, path, before)
    elif isinstance(cond, DimensionCond):
        if questions_only:
            out.append((path + ("dimension",), "跳题条件只能引用此前的题目，不能引用维度", cond.dimension))
        elif cond.dimension not in q.dimension_map:
            out.append((path + ("dimension",), f"未知维度 {cond.dimension}", cond.dimension))
        out += _check_dim_pred(cond, q, path)
    elif isinstance(cond, ScoreCond):
        if questions_only:
            out.append((path + ("score_at_least",), "跳题条件不能引用总分", cond.score_at_least))
    elif isinstance(cond, CountCond):
        spec = cond.count
        cpath = path + ("count",)
        if spec.questions is not None:
            sel = spec.questions
            ids = select_questions(q, sel)
            for qid in ids:
                if qid not in q.question_map:
                    out.append((cpath + ("questions", "ids"), f"未知题目 {qid}", qid))
            pred = spec.predicate()
            assert isinstance(pred, QuestionPredicate)
            for qid in ids:
                if qid in q.question_map:
                    out += _check_question_ref(qid, pred, q, cpath + ("where",), before, check_exists=False)
        else:
            if questions_only:
                out.append((cpath, "跳题条件不能按维度计数", "dimensions"))
            dim_sel = spec.dimensions
            assert dim_sel is not None
            if dim_sel.tag is not None:
                out.append(
                    (cpath + ("dimensions", "tag"), "维度没有标签，请用 kind 或 ids 选择", dim_sel.tag)
                )
            ids = select_dimensions(q, dim_sel)
            for did in ids:
                if did not in q.dimension_map:
                    out.append((cpath + ("dimensions", "ids"), f"未知维度 {did}", did))
            dim_pred = spec.predicate()
            assert isinstance(dim_pred, DimensionPredicate)
            out += _check_dim_pred(dim_pred, q, cpath + ("where",))
        if not ids:
            out.append((cpath, "计数的对象为空：选择器没有选中任何题目或维度", ""))
        elif spec.at_least > len(ids):
            out.append(
                (
                    cpath + ("at_least",),
                    f"永远无法满足：要求 ≥ {spec.at_least} 个，但只选中了 {len(ids)} 个",
                    spec.at_least,
                )
            )
    return out


def _check_question_ref(
    qid: str,
    pred: QuestionPredicate,
    q: Questionnaire,
    path: tuple,
    before: set[str] | None,
    check_exists: bool = True,
) -> list[tuple[tuple, str, Any]]:
    out: list[tuple[tuple, str, Any]] = []
    question = q.question_map.get(qid)
    if question is None:
        return [(path + ("question",), f"未知题目 {qid}", qid)]
    if before is not None and qid not in before:
        out.append(
            (path + ("question",), f"跳题条件只能引用排在本题之前的题目（{qid} 在后面或就是本题）", qid)
        )
    values = {o.value for o in q.options_of(question)}
    for key, attr in (("at_least", "at_least"), ("in", "in_"), ("includes", "includes")):
        got = getattr(pred, attr)
        if got is None:
            continue
        if question.kind not in ("single", "multi", "yesno"):
            out.append((path + (key,), f"{qid} 是{question.kind}题，不能用 {key}", got))
            continue
        if key == "includes" and question.kind != "multi":
            out.append((path + (key,), f"includes 只用于多选题，{qid} 不是多选题", got))
        if key == "at_least" and question.kind == "multi":
            out.append((path + (key,), f"at_least 不用于多选题 {qid}，请用 includes 或 score_at_least", got))
        for v in [got] if isinstance(got, str) else got:
            if v not in values:
                out.append((path + (key,), f"{qid} 没有选项 {v}；可选：{'、'.join(sorted(values))}", v))
    if pred.value_at_least is not None and question.kind != "number":
        out.append(
            (path + ("value_at_least",), f"value_at_least 只用于数值题，{qid} 不是", pred.value_at_least)
        )
    if pred.score_at_least is not None and not question.scored:
        out.append((path + ("score_at_least",), f"{qid} 不计分", pred.score_at_least))
    return out


def _check_dim_pred(pred: DimensionPredicate, q: Questionnaire, path: tuple) -> list[tuple[tuple, str, Any]]:
    if pred.level_at_least is not None and pred.level_at_least not in q.level_map:
        return [
            (
                path + ("level_at_least",),
                f"未知等级 {pred.level_at_least}；可选：{'、'.join(lv.id for lv in q.levels_sorted())}",
                pred.level_at_least,
            )
        ]
    return []
