"""Hypothesis strategies: random but valid answer sets for a questionnaire."""

from __future__ import annotations

import os
from typing import Any

from hypothesis import strategies as st

from maturity.models.answers import AnswersFile
from maturity.models.questionnaire import Question, Questionnaire

QUICK_LOOP_ENV = "MATURITY_QUICK_LOOP"


def examples(n: int) -> int:
    """How many generated examples a property test runs: ``n`` in the full suite, a sixth (at least 8) in the
    quick loop (``-m "not slow"``, see tests/conftest.py), so the quick loop still runs every property."""
    return max(8, n // 6) if os.environ.get(QUICK_LOOP_ENV) else n


def answer_for(q: Questionnaire, x: Question) -> st.SearchStrategy[Any]:
    opts = q.options_of(x)
    if x.kind == "single" or x.kind == "yesno":
        return st.sampled_from([o.value for o in opts])
    if x.kind == "multi":
        exclusive = [o.value for o in opts if o.exclusive]
        normal = [o.value for o in opts if not o.exclusive]
        subsets = st.lists(st.sampled_from(normal), min_size=1, unique=True) if normal else st.nothing()
        return st.one_of(st.sampled_from([[v] for v in exclusive]), subsets) if exclusive else subsets
    if x.kind == "number":
        lo = x.min if x.min is not None else 0.0
        if x.max is not None:
            hi = x.max
        elif x.bands:
            hi = max(b.max for b in x.bands) * 1.2
        else:  # a recorded baseline figure without bands or a maximum
            hi = lo + 1000
        return st.floats(min_value=lo, max_value=hi, allow_nan=False).map(lambda v: round(v, 1))
    return st.text(alphabet="数字化转型测试", max_size=10)


_CHOICES = {
    True: st.sampled_from(["answer", "answer", "answer", "skip", "na"]),
    False: st.sampled_from(["answer"]),
}
_ANSWER_STRATEGIES: dict[int, tuple[Questionnaire, dict[str, st.SearchStrategy[Any]]]] = {}


def _answer_strategies(q: Questionnaire) -> dict[str, st.SearchStrategy[Any]]:
    """Each question's strategy, built once per questionnaire (building and validating a strategy for every
    question of every example was most of the property tests' time); the draws are the same."""
    hit = _ANSWER_STRATEGIES.get(id(q))
    if hit is None or hit[0] is not q:
        hit = _ANSWER_STRATEGIES[id(q)] = (q, {x.id: answer_for(q, x) for x in q.questions})
    return hit[1]


@st.composite
def answer_sets(draw, q: Questionnaire, *, allow_missing: bool = True) -> AnswersFile:
    answers: dict[str, Any] = {}
    choices = _CHOICES[allow_missing]
    strategies = _answer_strategies(q)
    for x in q.questions:
        choice = draw(choices)
        if choice == "skip":
            continue
        if choice == "na" and x.allow_na:
            answers[x.id] = {"na": True, "justification": "本企业无此业务"}
            continue
        answers[x.id] = {"value": draw(strategies[x.id])}
    sub = draw(st.sampled_from([s.id for s in q.sub_sectors])) if q.sub_sectors else "x"
    return AnswersFile.model_validate(
        {
            "questionnaire": q.id,
            "questionnaire_version": q.version,
            "enterprise": {"name": "随机企业", "sub_sector": sub},
            "answers": answers,
        }
    )


def improvements(q: Questionnaire, x: Question, current: Any) -> list[Any]:
    """Every answer to ``x`` at least as good as ``current`` (None = unanswered)."""
    from maturity.engine.normalize import option_score

    opts = q.options_of(x)
    if x.kind in ("single", "yesno"):
        if current is None:
            return [o.value for o in opts]
        pos = [o.value for o in opts].index(current)
        return [o.value for o in opts[pos:]]
    if x.kind == "multi":
        normal = [o.value for o in opts if not o.exclusive]
        base = [v for v in (current or []) if v in normal]
        return [
            sorted(set(base) | {v}, key=[o.value for o in opts].index) for v in normal if v not in base
        ] or ([base] if base else [])
    if x.kind == "number":
        cur = option_score(q, x, current) if current is not None else -1
        return [b.max for b in x.bands or [] if b.score >= cur and (x.max is None or b.max <= x.max)]
    return []
