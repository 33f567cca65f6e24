"""Evaluate the condition language against a scored state, with a Chinese explanation.

Pure functions; no I/O. ``State`` is built by :mod:`maturity.engine.scoring`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from maturity.engine.normalize import _fmt_num, answer_text
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
from maturity.models.results import ConditionResult


@dataclass
class State:
    """What conditions can look at. Dimension entries may be absent during skip-logic evaluation."""

    questionnaire: Questionnaire
    opt_pos: dict[str, dict[str, int]]
    level_rank: dict[str, int]
    level_label: dict[str, str]
    values: dict[str, Any] = field(default_factory=dict)
    status: dict[str, str] = field(default_factory=dict)
    q_scores: dict[str, float | None] = field(default_factory=dict)
    dim_scores: dict[str, float | None] = field(default_factory=dict)
    dim_levels: dict[str, str | None] = field(default_factory=dict)
    score: float | None = None
    score_label: str = "综合得分"
    na_passes: bool = True  # a gate on an N/A question counts as met; crosswalks set False (no credit)


def short(text: str, n: int = 24) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _question_ok(state: State, qid: str, pred: QuestionPredicate) -> bool:
    """Whether a question predicate holds (no text: the hot path of scoring)."""
    status = state.status.get(qid, "unanswered")
    if status in ("na", "not_applicable"):
        return state.na_passes
    if status == "not_asked":
        return False  # never shown: nothing to credit (every question a gate reads is on the core path)
    value = state.values.get(qid)
    if pred.at_least is not None:
        pos = state.opt_pos[qid]
        return value is not None and pos.get(value, -1) >= pos.get(pred.at_least, 10**6)
    if pred.in_ is not None:
        return value is not None and value in pred.in_
    if pred.includes is not None:
        return isinstance(value, list) and all(v in value for v in pred.includes)
    if pred.score_at_least is not None:
        return (state.q_scores.get(qid) or 0.0) >= pred.score_at_least
    if pred.value_at_least is not None:
        return isinstance(value, float) and value >= pred.value_at_least
    return (status == "answered") == pred.answered


def _dimension_ok(state: State, did: str, pred: DimensionPredicate) -> bool:
    if pred.level_at_least is not None:
        level = state.dim_levels.get(did)
        return level is not None and state.level_rank[level] >= state.level_rank[pred.level_at_least]
    score = state.dim_scores.get(did)
    return score is not None and score >= pred.score_at_least  # type: ignore[operator]


def holds(cond: Any, state: State) -> bool:
    """Boolean evaluation of a condition; same semantics as :func:`evaluate`, without explanations."""
    if isinstance(cond, QuestionCond):
        return _question_ok(state, cond.question, cond)
    if isinstance(cond, DimensionCond):
        return _dimension_ok(state, cond.dimension, cond)
    if isinstance(cond, AllCond):
        return all(holds(c, state) for c in cond.all)
    if isinstance(cond, AnyCond):
        return any(holds(c, state) for c in cond.any)
    if isinstance(cond, NotCond):
        return not holds(cond.not_, state)
    if isinstance(cond, ScoreCond):
        return (state.score or 0.0) >= cond.score_at_least
    if isinstance(cond, CountCond):
        return _count_reaches(cond, state)
    raise TypeError(f"unknown condition {cond!r}")


def _count_reaches(cond: CountCond, state: State) -> bool:
    """Whether at least ``at_least`` items satisfy the predicate; stops as soon as it knows."""
    spec = cond.count
    need = spec.at_least
    if need <= 0:
        return True
    pred = spec.predicate()
    n = 0
    if spec.questions is not None:
        status = state.status
        for qid in select_questions(state.questionnaire, spec.questions):
            if status.get(qid) not in ("na", "not_applicable") and _question_ok(state, qid, pred):  # type: ignore[arg-type]
                n += 1
                if n >= need:
                    return True
    else:
        for did in select_dimensions(state.questionnaire, spec.dimensions):
            if _dimension_ok(state, did, pred):  # type: ignore[arg-type]
                n += 1
                if n >= need:
                    return True
    return False


def count_hits(cond: CountCond, state: State) -> tuple[list[str], list[str]]:
    """The ids a count condition counts (hits) and those it looks at but does not count (misses)."""
    spec = cond.count
    pred = spec.predicate()
    hits: list[str] = []
    misses: list[str] = []
    if spec.questions is not None:
        for qid in select_questions(state.questionnaire, spec.questions):
            if state.status.get(qid) in ("na", "not_applicable"):
                continue
            (hits if _question_ok(state, qid, pred) else misses).append(qid)  # type: ignore[arg-type]
    else:
        for did in select_dimensions(state.questionnaire, spec.dimensions):
            (hits if _dimension_ok(state, did, pred) else misses).append(did)  # type: ignore[arg-type]
    return hits, misses


def _qname(state: State, qid: str) -> str:
    q = state.questionnaire.question_map.get(qid)
    return f"{qid}「{short(q.text)}」" if q else qid


def _question_test(state: State, qid: str, pred: QuestionPredicate) -> tuple[bool, str]:
    """(holds, description of requirement and actual answer) for one question."""
    q = state.questionnaire.question_map[qid]
    ok = _question_ok(state, qid, pred)
    status = state.status.get(qid, "unanswered")
    if status in ("na", "not_applicable"):
        return ok, "不适用，视为满足" if ok else "不适用（不予认定）"
    value = state.values.get(qid)
    actual = answer_text(state.questionnaire, q, value) if value is not None else "未作答"
    if status == "hidden":
        actual = "未涉及（前置条件不满足）"
    if status == "not_asked":
        actual = "未问（本次作答的问卷未包含本题，不予认定）"
    if pred.at_least is not None:
        return ok, f"要求不低于“{answer_text(state.questionnaire, q, pred.at_least)}”，当前：{actual}"
    if pred.in_ is not None:
        labels = "、".join(f"“{answer_text(state.questionnaire, q, v)}”" for v in pred.in_)
        return ok, f"为 {labels} 之一；当前：{actual}"
    if pred.includes is not None:
        labels = "、".join(f"“{answer_text(state.questionnaire, q, v)}”" for v in pred.includes)
        return ok, f"包含 {labels}；当前：{actual}"
    if pred.score_at_least is not None:
        s = state.q_scores.get(qid) or 0.0
        return ok, f"本题得分 ≥ {_fmt_num(pred.score_at_least)}；当前 {_fmt_num(round(s, 1))}"
    if pred.value_at_least is not None:
        return ok, f"≥ {_fmt_num(pred.value_at_least)}{q.unit}；当前：{actual}"
    return ok, ("已作答" if pred.answered else "未作答") + f"；当前：{actual}"


def _dimension_test(state: State, did: str, pred: DimensionPredicate) -> tuple[bool, str]:
    ok = _dimension_ok(state, did, pred)
    if pred.level_at_least is not None:
        level = state.dim_levels.get(did)
        cur = state.level_label.get(level, "无") if level else "无得分"
        return ok, f"≥ {state.level_label[pred.level_at_least]}；当前 {cur}"
    score = state.dim_scores.get(did)
    cur = _fmt_num(round(score, 1)) if score is not None else "无得分"
    return ok, f"得分 ≥ {_fmt_num(pred.score_at_least)}；当前 {cur}"  # type: ignore[arg-type]


def evaluate(cond: Any, state: State) -> ConditionResult:
    if isinstance(cond, AllCond):
        kids = [evaluate(c, state) for c in cond.all]
        ok = all(k.passed for k in kids)
        return ConditionResult.model_construct(passed=ok, text="同时满足以下全部条件", children=kids)
    if isinstance(cond, AnyCond):
        kids = [evaluate(c, state) for c in cond.any]
        ok = any(k.passed for k in kids)
        return ConditionResult.model_construct(passed=ok, text="满足以下任一条件", children=kids)
    if isinstance(cond, NotCond):
        kid = evaluate(cond.not_, state)
        return ConditionResult.model_construct(passed=not kid.passed, text="不应满足以下条件", children=[kid])
    if isinstance(cond, QuestionCond):
        ok, desc = _question_test(state, cond.question, cond)
        return ConditionResult.model_construct(
            passed=ok, text=f"{_qname(state, cond.question)}：{desc}", children=[]
        )
    if isinstance(cond, DimensionCond):
        ok, desc = _dimension_test(state, cond.dimension, cond)
        name = state.questionnaire.dimension_map[cond.dimension].name
        return ConditionResult.model_construct(passed=ok, text=f"{name}：{desc}", children=[])
    if isinstance(cond, ScoreCond):
        s = state.score or 0.0
        ok = s >= cond.score_at_least
        return ConditionResult.model_construct(
            passed=ok,
            text=f"{state.score_label} ≥ {_fmt_num(cond.score_at_least)}；当前 {_fmt_num(s)}",
            children=[],
        )
    if isinstance(cond, CountCond):
        return _count(cond, state)
    raise TypeError(f"unknown condition {cond!r}")  # a bug: models admit no other shape


def _count(cond: CountCond, state: State) -> ConditionResult:
    spec = cond.count
    q = state.questionnaire
    hit_ids, miss_ids = count_hits(cond, state)
    if spec.questions is not None:

        def name(item: str) -> str:
            question = q.question_map[item]
            return (question.short or short(question.text, 12)) + f"（{item}）"

        what = spec.label or _selector_text(spec.questions, "题目")
        first = q.question_map.get(hit_ids[0] if hit_ids else (miss_ids[0] if miss_ids else ""))
    else:

        def name(item: str) -> str:
            return q.dimension_map[item].name

        what = spec.label or _selector_text(spec.dimensions, "维度")
        first = None
    hits = [name(x) for x in hit_ids]
    misses = [
        name(x) + ("（未问）" if spec.questions is not None and state.status.get(x) == "not_asked" else "")
        for x in miss_ids
    ]
    passed = len(hits) >= spec.at_least
    pred = spec.predicate()
    grade = getattr(pred, "at_least", None)
    if spec.questions is not None and spec.questions.tag in ("scene", "binding") and grade in _GRADES:
        # scene questions' option values are the 评测指标 scene levels: name the level, not one question's option
        pred_text = f"达到评测{_GRADES[grade]}及以上"
    else:
        pred_text = _pred_text(state, pred, first)
    unit = "项" if spec.questions is not None and spec.questions.tag not in ("scene", "binding") else "个"
    text = f"{pred_text}的{what}至少 {spec.at_least} {unit}，目前 {len(hits)} {unit}"
    if hits:
        text += f"（已达到：{'、'.join(hits)}）"
    if not passed and misses:
        text += f"；未达到：{'、'.join(misses)}"
    return ConditionResult.model_construct(passed=passed, text=text, children=[])


_GRADES = {"1": "一级", "2": "二级", "3": "三级", "4": "四级"}


def _selector_text(sel: Any, noun: str) -> str:
    if sel.kind == "scenario":
        return "典型场景"
    if sel.kind == "foundation":
        return "基础维度"
    if sel.tag == "scene":
        return "业务场景"
    if sel.tag == "binding":
        return "约束性场景"
    if sel.ids is not None:
        return f"指定{noun}（{'、'.join(sel.ids)}）"
    return f"{noun}（{sel.tag or sel.kind}）"


def _pred_text(state: State, pred: Any, question: Any = None) -> str:
    if getattr(pred, "level_at_least", None) is not None:
        return f"达到 {state.level_label[pred.level_at_least]} 及以上"
    if getattr(pred, "at_least", None) is not None:
        label = (
            answer_text(state.questionnaire, question, pred.at_least)
            if question is not None
            else pred.at_least
        )
        return f"不低于“{short(label, 16)}”"
    if getattr(pred, "score_at_least", None) is not None:
        if isinstance(pred, QuestionPredicate):
            share = pred.score_at_least or 0.0
            return "答到满分一半及以上" if share == 50 else f"答到满分的 {_fmt_num(share)}% 及以上"
        return f"得分 ≥ {_fmt_num(pred.score_at_least)}"
    if getattr(pred, "value_at_least", None) is not None:
        return f"数值 ≥ {_fmt_num(pred.value_at_least)}"
    return "满足条件"


_SELECTED: dict[tuple[int, int], tuple[Any, Any, list[str]]] = {}


def select_questions(q: Questionnaire, sel: Any) -> list[str]:
    key = (id(q), id(sel))
    hit = _SELECTED.get(key)
    if hit is not None and hit[0] is q and hit[1] is sel:
        return hit[2]
    result = _select_questions(q, sel)
    _SELECTED[key] = (q, sel, result)
    return result


def _select_questions(q: Questionnaire, sel: Any) -> list[str]:
    if sel.ids is not None:
        return list(sel.ids)
    if sel.tag is not None:
        return [x.id for x in q.questions if sel.tag in x.tags]
    return [x.id for x in q.questions if x.kind == sel.kind]


def select_dimensions(q: Questionnaire, sel: Any) -> list[str]:
    if sel.ids is not None:
        return list(sel.ids)
    if sel.kind is not None:
        return [d.id for d in q.dimensions if d.kind == sel.kind]
    return []


def count_failing_leaves(cond: Any, state: State) -> int:
    """``len(failing_leaves(evaluate(cond, state)))`` without building the explanation."""
    if holds(cond, state):
        return 0
    if isinstance(cond, AllCond | AnyCond):
        kids = cond.all if isinstance(cond, AllCond) else cond.any
        return sum(count_failing_leaves(c, state) for c in kids) or 1
    return 1


def failing_leaves(res: ConditionResult) -> list[str]:
    """The innermost unmet requirements, for "what is missing" lists."""
    if res.passed:
        return []
    if not res.children:
        return [res.text]
    out: list[str] = []
    for kid in res.children:
        out.extend(failing_leaves(kid))
    return out or [res.text]


# ---- compiled conditions: the level climb asks the same gates of every answer set ------------------------
Check = Callable[[State], bool]


def compile_condition(cond: Any, q: Questionnaire, opt_pos: dict[str, dict[str, int]]) -> Check:
    """A function with exactly the truth value of :func:`holds` for ``cond``, with selectors resolved and
    option positions looked up once (the scoring engine compiles each gate per scheme)."""
    if isinstance(cond, AllCond):
        kids = [compile_condition(c, q, opt_pos) for c in cond.all]
        return lambda st: all(k(st) for k in kids)
    if isinstance(cond, AnyCond):
        kids = [compile_condition(c, q, opt_pos) for c in cond.any]
        return lambda st: any(k(st) for k in kids)
    if isinstance(cond, CountCond):
        spec = cond.count
        need = spec.at_least
        pred = spec.predicate()
        if need <= 0:
            return lambda st: True
        if spec.questions is not None and isinstance(pred, QuestionPredicate) and pred.at_least is not None:
            qids = select_questions(q, spec.questions)
            ladder = [(qid, opt_pos[qid], opt_pos[qid].get(pred.at_least, 10**6)) for qid in qids]

            def count_at_least(st: State) -> bool:
                values, status = st.values, st.status
                n = 0
                for qid, pos, floor in ladder:
                    value = values.get(qid)
                    if value is None or status.get(qid) in ("na", "not_applicable"):
                        continue
                    if pos.get(value, -1) >= floor:
                        n += 1
                        if n >= need:
                            return True
                return False

            return count_at_least
        if (
            spec.questions is not None
            and isinstance(pred, QuestionPredicate)
            and pred.score_at_least is not None
        ):
            qids = select_questions(q, spec.questions)
            floor_score = pred.score_at_least

            def count_scores(st: State) -> bool:
                scores, status = st.q_scores, st.status
                n = 0
                for qid in qids:
                    if status.get(qid) in ("na", "not_applicable"):
                        continue
                    if (scores.get(qid) or 0.0) >= floor_score:
                        n += 1
                        if n >= need:
                            return True
                return False

            return count_scores
        if spec.dimensions is not None and isinstance(pred, DimensionPredicate) and pred.level_at_least:
            dids = select_dimensions(q, spec.dimensions)
            target = pred.level_at_least

            def count_levels(st: State) -> bool:
                rank, levels = st.level_rank, st.dim_levels
                floor = rank[target]
                n = 0
                for did in dids:
                    level = levels.get(did)
                    if level is not None and rank[level] >= floor:
                        n += 1
                        if n >= need:
                            return True
                return False

            return count_levels
    if isinstance(cond, DimensionCond) and cond.level_at_least is not None:
        did, want = cond.dimension, cond.level_at_least

        def dimension_level(st: State) -> bool:
            level = st.dim_levels.get(did)
            return level is not None and st.level_rank[level] >= st.level_rank[want]

        return dimension_level
    return lambda st: holds(cond, st)
