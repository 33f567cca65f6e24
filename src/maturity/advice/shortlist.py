"""The first few recommendations of a batch row, without re-scoring every candidate.

:func:`maturity.advice.recommend.rank` re-scores each candidate once (about 0.1 ms each, twenty-odd per
enterprise). A batch summary needs only the first three. Here every candidate first gets an upper bound
of its ranking key from the assessed state alone (:func:`_bound`); candidates are re-scored in order of
that bound, and the rest are skipped once ``n`` exact keys beat every remaining bound. A skipped
candidate's key is below the n-th best, so neither it nor a prerequisite it would lift can reach the first
``n``: the titles are exactly those of the full ranking (a property test compares them).

The bound rests on what applying a solution can change: the answers it improves, the questions those
show or hide, their dimensions and the total score. For each failing gate of the next level, the fewest
unmet conditions it can still have afterwards (:func:`_min_failing`) bounds the gaps it can close and
whether it can open; everything else in the key is known, except the score gain (taken as unbounded).
"""

from __future__ import annotations

from typing import Any

from maturity.advice.recommend import (
    Candidate,
    Standing,
    canonical_answers,
    dimension_scores,
    impact,
    key_of,
    prioritise,
    select,
    standing_of_summary,
)
from maturity.engine.conditions import (
    State,
    count_failing_leaves,
    count_hits,
    holds,
    select_dimensions,
    select_questions,
)
from maturity.engine.scoring import Scheme, Summary
from maturity.models.answers import Enterprise
from maturity.models.catalog import Catalog, Solution
from maturity.models.conditions import (
    AllCond,
    AnyCond,
    CountCond,
    DimensionCond,
    NotCond,
    QuestionCond,
    ScoreCond,
    walk,
)
from maturity.models.questionnaire import Questionnaire

_INF = float("inf")
_BELOW_ALL = (
    -1,
    -_INF,
    False,
    -1,
    -1,
    False,
    -_INF,
    -_INF,
    -_INF,
    -_INF,
)  # below every real key (counts are >= 0)


def top_titles(
    scheme: Scheme, catalog: Catalog, enterprise: Enterprise, summary: Summary, n: int = 3
) -> list[str]:
    """Titles of the first ``n`` recommendations for one batch row (same as ranking every candidate)."""
    st = standing_of_summary(scheme, enterprise, summary)
    cands, _ = select(scheme, st, catalog, reasons=False)
    if not cands:
        return []
    answers = canonical_answers(st.state)
    dim_score = dimension_scores(st)
    gates = {g.id: g.when for g in scheme.gates_by_level.get(st.next_id or "", ())}
    failing = st.failing_gates()
    score_blocked = st.score_blocked()
    memo: dict[tuple[str, int], Any] = {}  # what each condition node gives on this row's state
    bounds = {
        id(c): _bound(scheme.questionnaire, st, c, dim_score, gates, failing, score_blocked, memo)
        for c in cands
    }
    exact: list[tuple] = []
    for c in sorted(cands, key=lambda c: bounds[id(c)], reverse=True):
        if len(exact) >= n and sorted(exact, reverse=True)[n - 1] > bounds[id(c)]:
            c.key = _BELOW_ALL
            continue
        c.impact = impact(scheme, st, answers, c.solution)
        c.key = key_of(c, dim_score)
        exact.append(c.key)
    return [c.solution.title for c in prioritise(cands, n)]


def _bound(
    q: Questionnaire,
    st: Standing,
    c: Candidate,
    dim_score: dict[str, float],
    gates: dict[str, Any],
    failing: dict[str, int],
    score_blocked: bool,
    memo: dict,
) -> tuple:
    """An upper bound of ``c``'s ranking key (component by component, so also in tuple order)."""
    dim = -dim_score.get(c.solution.dimension, 0.0)
    pains = (c.pain_weight, -c.solution.cost.max if c.pain_weight else 0.0)  # known exactly from the answers
    if st.next_id is None:
        return (*pains, False, 0, 0, False, dim, _INF, _INF, _INF)
    if not failing:
        return (*pains, True, 0, 0, True, dim, _INF, _INF, _INF)
    tq, td = _touched(q, c.solution)
    least = {gid: _min_failing(gates[gid], st.state, tq, td, memo) for gid in failing}
    can_open = sum(1 for m in least.values() if m == 0)
    closable = sum(max(0, failing[gid] - m) for gid, m in least.items())
    raises = can_open == len(failing)
    return (
        *pains,
        raises,
        can_open,
        closable,
        raises or can_open > 0 or closable > 0 or score_blocked,
        dim,
        _INF,
        _INF,
        _INF,
    )


def _min_failing(cond: Any, state: State, tq: set[str], td: set[str], memo: dict) -> int:
    """A lower bound of ``count_failing_leaves(cond, after)`` when only the questions ``tq``, the dimensions
    ``td`` and the total score can change between ``state`` and ``after``. ``memo`` keeps what does not
    depend on the candidate (each node's truth and count on ``state``)."""
    ok = memo.get(("holds", id(cond)))
    if ok is None:
        ok = memo[("holds", id(cond))] = holds(cond, state)
    if ok:
        return 0
    if isinstance(cond, QuestionCond):
        return 0 if cond.question in tq else 1
    if isinstance(cond, DimensionCond):
        return 0 if cond.dimension in td else 1
    if isinstance(cond, ScoreCond):
        return 0
    if isinstance(cond, CountCond):
        got = memo.get(("count", id(cond)))
        if got is None:
            got = memo[("count", id(cond))] = count_hits(cond, state)
        can_change = tq if cond.count.questions is not None else td
        reachable = len(got[0]) + sum(1 for x in got[1] if x in can_change)
        return 0 if reachable >= cond.count.at_least else 1
    if isinstance(cond, AllCond):
        return sum(_min_failing(k, state, tq, td, memo) for k in cond.all)
    if isinstance(cond, AnyCond):
        least = [_min_failing(k, state, tq, td, memo) for k in cond.any]
        return 0 if 0 in least else sum(least)
    if isinstance(cond, NotCond):
        qs, ds, score = _reads(state.questionnaire, cond)
        return 0 if score or qs & tq or ds & td else count_failing_leaves(cond, state)
    return 0  # an unknown node: no bound


_READS: dict[int, tuple[Any, tuple[set[str], set[str], bool]]] = {}


def _reads(q: Questionnaire, cond: Any) -> tuple[set[str], set[str], bool]:
    """The questions and dimensions a condition reads, and whether it reads the total score (cached)."""
    hit = _READS.get(id(cond))
    if hit is None or hit[0] is not cond:
        qs: set[str] = set()
        ds: set[str] = set()
        score = False
        for node in walk(cond):
            if isinstance(node, QuestionCond):
                qs.add(node.question)
            elif isinstance(node, DimensionCond):
                ds.add(node.dimension)
            elif isinstance(node, ScoreCond):
                score = True
            elif isinstance(node, CountCond):
                spec = node.count
                if spec.questions is not None:
                    qs.update(select_questions(q, spec.questions))
                else:
                    ds.update(select_dimensions(q, spec.dimensions))
        hit = _READS[id(cond)] = (cond, (qs, ds, score))
    return hit[1]


_TOUCHED: dict[int, tuple[Solution, tuple[set[str], set[str]]]] = {}


def _touched(q: Questionnaire, s: Solution) -> tuple[set[str], set[str]]:
    """Questions whose answer, status or score applying ``s`` can change (its ``improves`` and, transitively,
    the questions they show or hide), and their dimensions. Cached per solution."""
    hit = _TOUCHED.get(id(s))
    if hit is None or hit[0] is not s:
        qs = set(s.improves)
        grew = True
        while grew:
            grew = False
            for x in q.questions:
                if x.id in qs or x.show_if is None:
                    continue
                rq, rd, rscore = _reads(q, x.show_if)
                if rscore or rd or rq & qs:  # skip logic on scores or dimensions: assume it can change
                    qs.add(x.id)
                    grew = True
        qmap = q.question_map
        hit = _TOUCHED[id(s)] = (s, (qs, {qmap[qid].dimension for qid in qs}))
    return hit[1]
