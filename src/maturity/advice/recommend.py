"""小快轻准 recommendations and the 梯次 upgrade roadmap: a pure function of an Assessment.

Selection: a catalog solution is recommended when it applies to the enterprise's industry
type, its ``trigger`` holds on the assessed state, the dimension has not already reached
the solution's ``lifts_to`` level, and at least one of its ``improves`` answers would be
better than the current answer. Anything else counts as already in place.

Ordering: each candidate is scored alone (its ``improves`` applied to the current answers
and re-scored with the same rules): level gain, next-level gates it makes pass, failing
gate conditions it closes, then the weakness of its dimension, then the score gain.
Prerequisites inherit the priority of what depends on them, and the order is topological.

Horizons: in that order, each solution goes to the earliest horizon with room where it can
start after its scheduled prerequisites finish and finish before the horizon ends, whose
projected starting state satisfies its ``requires``, and (with a budget) whose upper cost
still fits. The level after each horizon is projected honestly: the answers the scheduled
solutions declare are applied cumulatively and the enterprise is re-scored.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from maturity.engine.conditions import State, evaluate, failing_leaves, holds, short
from maturity.engine.normalize import Normalized
from maturity.engine.scoring import Scheme, Summary
from maturity.models.answers import Answer, AnswersFile, Enterprise
from maturity.models.catalog import (
    BUDGET,
    BUDGET_CAPS,
    HORIZON,
    HORIZON_STAGES,
    PAINS,
    SYSTEMS,
    Catalog,
    GradeStep,
    HorizonPlan,
    Impact,
    LeftOut,
    Plan,
    PlanItem,
    PolicyRef,
    ProjectedGrade,
    Range,
    Reason,
    Solution,
)
from maturity.models.conditions import (
    AllCond,
    AnyCond,
    CountCond,
    DimensionCond,
    NotCond,
    QuestionCond,
    ScoreCond,
)
from maturity.models.questionnaire import Question, Questionnaire, type_admits
from maturity.models.results import Assessment, Blocker, LevelRef

if TYPE_CHECKING:
    from maturity.engine.grade import Estimate

METHOD = (
    "等级预测方法：把计划内各方案声明的“落地后可如实改选的答案”按阶段累加到当前答卷上"
    "（只采用比现有答案更好的），再用同一套评分规则和等级门槛重新评分。预测反映方案全部落地并真正用起来的情况，"
    "不是承诺；费用与周期为参考区间，预算按参考费用上限累计核对。"
)

_EPS = 1e-9


# ---- what selection and ranking look at ---------------------------------------------------------
class Standing(NamedTuple):
    """An assessed enterprise as selection and ranking read it: built from a full Assessment, or from the
    engine's lighter Summary (batch rows), so both rank with the same code and the same numbers."""

    enterprise: Enterprise  # the engine reads its sub-sector
    industry_type: str | None
    state: State
    score: float
    level_rank: int
    next_id: str | None
    blockers: list[Blocker]  # of the next level; a gate blocker lists every failing condition

    def failing_gates(self) -> dict[str, int]:
        """Next-level gate -> how many of its conditions fail now (gates in rule order)."""
        return {b.gate: len(b.missing) for b in self.blockers if b.kind == "gate" and b.gate}

    def score_blocked(self) -> bool:
        return any(b.kind == "score" for b in self.blockers)


def _enterprise_of(a: Assessment) -> Enterprise:
    e = a.enterprise
    return Enterprise.model_construct(
        name=e.name,
        credit_code=e.credit_code,
        sub_sector=e.sub_sector,
        size=e.size,
        region=e.region,
        contact="",
        assessor=e.assessor,
    )


def standing(scheme: Scheme, a: Assessment) -> Standing:
    return Standing(
        _enterprise_of(a),
        a.enterprise.industry_type or None,
        scheme.state_of(a),
        a.score,
        a.level.rank,
        a.next_level.id if a.next_level else None,
        a.blockers,
    )


def standing_of_summary(scheme: Scheme, enterprise: Enterprise, summary: Summary) -> Standing:
    return Standing(
        enterprise,
        scheme.questionnaire.industry_type_of(enterprise.sub_sector, enterprise.industry_type),
        summary.state,
        summary.score,
        summary.level.rank,
        summary.next_level.id if summary.next_level else None,
        summary.blockers,
    )


def canonical_answers(state: State) -> dict[str, Normalized]:
    """The answers that count in an assessed state (answered values and N/A), for re-scoring."""
    out: dict[str, Normalized] = {}
    for qid, status in state.status.items():
        if status == "na":
            out[qid] = Normalized(None, True)
        else:
            value = state.values.get(qid)
            if value is not None:
                out[qid] = Normalized(value, False)
    return out


def answers_from_assessment(a: Assessment) -> AnswersFile:
    """Canonical answers equivalent to the ones that produced ``a`` (for re-scoring)."""
    answers: dict[str, Answer] = {}
    for x in a.questions:
        if x.status == "na":
            answers[x.id] = Answer.model_construct(
                value=None, na=True, justification=x.justification or "不适用", note=x.note
            )
        elif x.answer is not None:
            answers[x.id] = Answer.model_construct(value=x.answer, na=False, justification="", note=x.note)
    return AnswersFile.model_construct(
        questionnaire=a.questionnaire_id,
        questionnaire_version=a.questionnaire_version,
        enterprise=_enterprise_of(a),
        created_at=None,
        updated_at=None,
        answers=answers,
    )


def _rank(q: Questionnaire, x: Question, value: Any) -> tuple[float, int]:
    """How good a single/yes-no answer is: its score, then its position (yes/no lists yes first)."""
    for i, o in enumerate(q.options_of(x)):
        if o.value == value:
            return (o.score, i)
    return (-1.0, -1)


def _improved_value(q: Questionnaire, x: Question, current: Any, target: Any) -> Any | None:
    """The better of ``current`` and ``target``, or None when ``target`` adds nothing."""
    if x.kind in ("single", "yesno"):
        if current is None or _rank(q, x, target) > _rank(q, x, current):
            return target
        return None
    if x.kind == "multi":
        opts = q.options_of(x)
        exclusive = {o.value for o in opts if o.exclusive}
        cur = [v for v in (current or []) if v not in exclusive]
        add = [v for v in target if v not in exclusive and v not in cur]
        if not add:
            return None
        order = {o.value: i for i, o in enumerate(opts)}
        return sorted(cur + add, key=lambda v: order.get(v, 10**6))
    if x.kind == "number":
        if current is None or float(target) > float(current) + _EPS:
            return float(target)
        return None
    return None


_TARGETS: dict[int, tuple[Solution, dict[str, Any]]] = {}


def _targets(q: Questionnaire, s: Solution) -> dict[str, Any]:
    """The solution's ``improves`` as canonical answers (normalised once per solution)."""
    from maturity.engine.normalize import normalize

    hit = _TARGETS.get(id(s))
    if hit is None or hit[0] is not s:
        qmap = q.question_map
        hit = _TARGETS[id(s)] = (s, {qid: normalize(q, qmap[qid], raw) for qid, raw in s.improves.items()})
    return hit[1]


def improve_answers(
    q: Questionnaire, answers: dict[str, Normalized], solutions: list[Solution]
) -> dict[str, Normalized]:
    """``answers`` with every solution's ``improves`` applied where better (N/A answers stay N/A)."""
    new = dict(answers)
    qmap = q.question_map
    for s in solutions:
        for qid, target in _targets(q, s).items():
            cur = new.get(qid)
            if cur is not None and cur.na:
                continue
            value = _improved_value(q, qmap[qid], cur.value if cur is not None else None, target)
            if value is not None:
                new[qid] = Normalized(value, False, cur.note if cur is not None else "")
    return new


def apply_improvements(q: Questionnaire, answers: AnswersFile, solutions: list[Solution]) -> AnswersFile:
    """:func:`improve_answers` on an answers file."""
    before = {
        qid: Normalized(a.value, a.na, a.note, a.justification, a.evidence)
        for qid, a in answers.answers.items()
    }
    new = dict(answers.answers)
    for qid, n in improve_answers(q, before, solutions).items():
        if n is not before.get(qid):
            new[qid] = Answer.model_construct(value=n.value, na=False, justification="", note=n.note)
    return answers.model_copy(update={"answers": new})


def _adds_something(q: Questionnaire, state: State, s: Solution) -> bool:
    """Whether ``s`` would improve at least one answer of an assessed state (N/A or inapplicable: no)."""
    qmap = q.question_map
    for qid, target in _targets(q, s).items():
        status = state.status.get(qid)
        if status is None or status in ("na", "not_applicable", "not_asked"):
            continue  # never asked: whether the firm already has it is unknown, so it is no reason to recommend
        if _improved_value(q, qmap[qid], state.values.get(qid), target) is not None:
            return True
    return False


def _adds_something_to(q: Questionnaire, answers: AnswersFile, s: Solution) -> bool:
    """Whether ``s`` would still improve at least one of ``answers`` (N/A answers cannot be improved)."""
    qmap = q.question_map
    for qid, target in _targets(q, s).items():
        cur = answers.answers.get(qid)
        if cur is not None and cur.na:
            continue
        if _improved_value(q, qmap[qid], cur.value if cur is not None else None, target) is not None:
            return True
    return False


# ---- triggers: only real answers count ------------------------------------------------------------
def known(cond: Any, state: State) -> bool | None:
    """A trigger on ``state`` in three values: a question leaf whose question is not actually answered (N/A,
    outside the profile, hidden by skip logic, unanswered, or not scored) is unknown (None), so it can
    neither trigger a recommendation nor be quoted as its reason. all/any/not combine as in Kleene logic."""
    if isinstance(cond, QuestionCond):
        if state.status.get(cond.question) != "answered":
            return None
        return holds(cond, state)
    if isinstance(cond, AllCond):
        vals = [known(k, state) for k in cond.all]
        return False if False in vals else (None if None in vals else True)
    if isinstance(cond, AnyCond):
        vals = [known(k, state) for k in cond.any]
        return True if True in vals else (None if None in vals else False)
    if isinstance(cond, NotCond):
        v = known(cond.not_, state)
        return None if v is None else not v
    return holds(cond, state)


# ---- reasons ---------------------------------------------------------------------------------
def reasons_for(cond: Any, state: State) -> list[Reason]:
    """The leaves that make ``cond`` hold on ``state`` (three-valued, see :func:`known`), as readable
    reasons naming the answers; never an N/A, unanswered or out-of-profile answer."""
    out: list[Reason] = []
    _collect(cond, state, False, out)
    seen: set[str] = set()
    unique = []
    for r in out:
        if r.text not in seen:
            seen.add(r.text)
            unique.append(r)
    return unique


def _collect(cond: Any, state: State, negated: bool, out: list[Reason]) -> None:
    if isinstance(cond, AllCond | AnyCond):
        kids = cond.all if isinstance(cond, AllCond) else cond.any
        want = not negated  # the value a child must have to support the parent
        for k in kids:
            if known(k, state) is want:
                _collect(k, state, negated, out)
        return
    if isinstance(cond, NotCond):
        _collect(cond.not_, state, not negated, out)
        return
    if isinstance(cond, QuestionCond):
        if state.status.get(cond.question) == "answered":
            text = _answer_reason(state, cond.question)
            # a practice missing: say so, not only what is there ("…：“用了加密产品”，其中没有“成文制度”")
            if negated and cond.includes:
                x = state.questionnaire.question_map[cond.question]
                labels = {o.value: o.label for o in state.questionnaire.options_of(x)}
                text = text.removesuffix(f"（{cond.question}）") + (
                    f"，其中没有“{'”“'.join(short(labels.get(v, v), 24) for v in cond.includes)}”（{cond.question}）"
                )
            out.append(Reason(question=cond.question, text=text))
        return
    if isinstance(cond, DimensionCond):
        d = state.questionnaire.dimension_map[cond.dimension]
        lv = state.dim_levels.get(cond.dimension)
        sc = state.dim_scores.get(cond.dimension)
        cur = f"{state.level_label[lv]}（得分 {sc:g}）" if lv and sc is not None else "无得分"
        out.append(Reason(dimension=cond.dimension, text=f"{d.name}当前为 {cur}"))
        return
    if isinstance(cond, ScoreCond):
        out.append(Reason(text=f"{state.score_label} {state.score or 0:g}"))
        return
    if isinstance(cond, CountCond):
        out.append(Reason(text=evaluate(cond, state).text))


def _answer_reason(state: State, qid: str) -> str:
    from maturity.engine.normalize import answer_text

    q = state.questionnaire
    x = q.question_map[qid]
    status = state.status.get(qid, "unanswered")
    value = state.values.get(qid)
    if status == "hidden":
        actual = "未涉及（前置题未选择相应做法）"
    elif status in ("na", "not_applicable"):
        actual = "不适用"
    elif status == "not_asked":
        actual = "未问"
    elif value is None:
        actual = "未作答"
    else:
        actual = f"“{short(answer_text(q, x, value), 40)}”"
    return f"{short(x.text.rstrip('？?'), 32)}：{actual}（{qid}）"


# ---- selection and ordering ------------------------------------------------------------------
@dataclass
class Candidate:
    solution: Solution
    index: int
    reasons: list[Reason]
    impact: Impact
    key: tuple = ()
    prereqs: list[str] = field(default_factory=list)  # prerequisites that are candidates themselves
    pains: list[str] = field(default_factory=list)  # the owner's chosen pains (PR-01) it addresses
    pain_weight: int = 0  # their weights: the owner's first pain 3, second 2, any further 1


def _applies(s: Solution, st: Standing) -> bool:
    it = st.industry_type
    if it and not type_admits(s.industry_types, it):
        return False
    return s.sub_sectors is None or st.enterprise.sub_sector in s.sub_sectors


def chosen(state: State, qid: str) -> list[str]:
    """The options chosen on a multi-choice priority question (PR-01, PR-04), exclusive ones left out."""
    value = state.values.get(qid)
    return [v for v in value if v != "none"] if isinstance(value, list) else []


def _in_place(scheme: Scheme, st: Standing, s: Solution, any_level: bool = False) -> bool:
    state = st.state
    if known(s.trigger, state) is not True:
        return True
    if s.provides and all(v in chosen(state, SYSTEMS) for v in s.provides):
        return True  # the owner says this very system is already in use
    lv = state.dim_levels.get(s.dimension)
    if not any_level and lv is not None and scheme.level_rank[lv] >= scheme.level_rank[s.lifts_to]:
        return True
    return not _adds_something(scheme.questionnaire, state, s)


def impact(scheme: Scheme, base: Standing, answers: dict[str, Normalized], s: Solution) -> Impact:
    """What applying ``s`` alone to ``answers`` does for the next level (one re-scoring)."""
    nxt = base.next_id
    after = scheme.probe_of(base.enterprise, improve_answers(scheme.questionnaire, answers, [s]), nxt)
    gain = round(after.score - base.score, 3)
    dim = {
        "dimension_level": after.dim_levels.get(s.dimension),
        "dimension_gain": round(
            (after.dim_scores.get(s.dimension) or 0.0) - (base.state.dim_scores.get(s.dimension) or 0.0), 3
        ),
    }
    if nxt is None:
        return Impact(
            addresses_next_level=False, raises_level=False, gates=[], gaps_closed=0, score_gain=gain, **dim
        )
    failing = base.failing_gates()
    opened = [gid for gid in failing if after.failing[gid] == 0]
    closed = sum(max(0, n - after.failing[gid]) for gid, n in failing.items())
    score_blocked = base.score_blocked()
    raises = after.level_rank > base.level_rank
    addresses = raises or bool(opened) or closed > 0 or (score_blocked and gain > 0)
    return Impact(
        addresses_next_level=addresses,
        raises_level=raises,
        gates=opened,
        gaps_closed=closed,
        score_gain=gain,
        **dim,
    )


def select(
    scheme: Scheme,
    a: Assessment | Standing,
    catalog: Catalog,
    *,
    reasons: bool = True,
    any_level: bool = False,
) -> tuple[list[Candidate], set[str]]:
    """Recommended candidates (catalog order, not yet ranked) and the ids of solutions already in place.

    ``reasons=False`` leaves out the readable reasons (a batch summary lists titles only). ``any_level`` also
    keeps solutions whose dimension already reached their ``lifts_to`` (the national-grade step may need one)."""
    st = standing(scheme, a) if isinstance(a, Assessment) else a
    cands: list[Candidate] = []
    in_place: set[str] = set()
    pains = chosen(st.state, PAINS)
    for i, s in enumerate(catalog.solutions):
        if not _applies(s, st):
            continue
        if _in_place(scheme, st, s, any_level):
            in_place.add(s.id)
            continue
        hit = [p for p in pains if p in s.addresses]
        cands.append(
            Candidate(
                s,
                i,
                reasons_for(s.trigger, st.state) if reasons else [],
                Impact(addresses_next_level=False),
                pains=hit,
                pain_weight=sum(pain_weight(pains.index(p)) for p in hit),
            )
        )
    ids = {c.solution.id for c in cands}
    for c in cands:
        c.prereqs = [p for p in c.solution.prerequisites if p in ids]
    return cands, in_place


def rank(
    scheme: Scheme,
    cands: list[Candidate],
    at: Assessment | Standing,
    answers: AnswersFile | dict[str, Normalized],
) -> list[Candidate]:
    """Score each candidate alone against the state ``at`` and return them in topological priority order."""
    st = standing(scheme, at) if isinstance(at, Assessment) else at
    if isinstance(answers, AnswersFile):
        answers = {
            qid: Normalized(a.value, a.na, a.note, a.justification, a.evidence)
            for qid, a in answers.answers.items()
        }
    dim_score = dimension_scores(st)
    for c in cands:
        c.impact = impact(scheme, st, answers, c.solution)
        c.key = key_of(c, dim_score)
    return prioritise(cands)


def dimension_scores(st: Standing) -> dict[str, float]:
    return {did: v if v is not None else 0.0 for did, v in st.state.dim_scores.items()}


def pain_weight(position: int) -> int:
    """The weight of the owner's pain at ``position`` in the order chosen (most important first)."""
    return max(1, 3 - position)


def key_of(c: Candidate, dim_score: dict[str, float]) -> tuple:
    """The ranking key: the weight of the owner's chosen pains it addresses (first 3, second 2, others 1), and
    among those that address a pain the cheaper first (so the budget covers more of them); then level gain,
    gates opened, gaps closed, next level addressed, weakest dimension first, score gain, cheaper first,
    catalog order."""
    i = c.impact
    return (
        c.pain_weight,
        -c.solution.cost.max if c.pain_weight else 0.0,
        i.raises_level,
        len(i.gates),
        i.gaps_closed,
        i.addresses_next_level,
        -dim_score.get(c.solution.dimension, 0.0),
        i.score_gain,
        -c.solution.cost.max,
        -c.index,
    )


def prioritise(cands: list[Candidate], limit: int | None = None) -> list[Candidate]:
    """Candidates with keys in the recommended order (the first ``limit`` of it): prerequisites first, each
    as urgent as what waits for it."""
    _inherit_priority(cands)
    return _topological(cands, limit)


def _inherit_priority(cands: list[Candidate]) -> None:
    """A prerequisite is as urgent as the most urgent solution waiting for it (transitively)."""
    by_id = {c.solution.id: c for c in cands}
    for _ in range(len(cands) + 1):  # bounded: the loader rejects cycles, but never loop forever
        changed = False
        for c in cands:
            for p in c.prereqs:
                if p in by_id and c.key > by_id[p].key:
                    by_id[p].key = c.key
                    changed = True
        if not changed:
            return


def _topological(cands: list[Candidate], limit: int | None = None) -> list[Candidate]:
    ids = {c.solution.id for c in cands}
    done: set[str] = set()
    order: list[Candidate] = []
    remaining = list(cands)
    while remaining and (limit is None or len(order) < limit):
        ready = [c for c in remaining if all(p in done or p not in ids for p in c.prereqs)]
        if not ready:  # a cycle: the catalog loader rejects these, but never loop forever
            ready = remaining
        best = max(ready, key=lambda c: c.key)
        order.append(best)
        done.add(best.solution.id)
        remaining = [c for c in remaining if c is not best]  # by identity (dataclass == compares every field)
    return order


# ---- the roadmap -----------------------------------------------------------------------------
def _over_budget(cost: float, budget: float, spent: float) -> str:
    """Why a solution does not fit the budget, in words that cannot be read as "over by the budget"."""
    remaining = max(budget - spent, 0.0)
    if remaining <= _EPS:
        return f"预算 {budget:g} 万元已全部安排给前面的方案，本方案参考费用上限还需 {cost:g} 万元"
    return (
        f"预算 {budget:g} 万元中已安排 {spent:g} 万元、还剩 {remaining:g} 万元，"
        f"本方案参考费用上限 {cost:g} 万元，剩余预算不够"
    )


class National(NamedTuple):
    """What projecting the national grade needs: the crosswalk onto it and its scheme."""

    crosswalk: Any  # models.crosswalk.Crosswalk
    target: Scheme


def build_plan(
    scheme: Scheme,
    a: Assessment,
    catalog: Catalog,
    budget: float | None = None,
    *,
    national: National | None = None,
) -> Plan:
    """The upgrade roadmap for one Assessment (optionally within a budget in 万元).

    The owner's priorities come from the answers: the pains chosen (PR-01) lead the ranking, the budget band
    (PR-02) is the default budget cap when ``budget`` is not given, the time horizon (PR-03) limits the stages
    filled. With ``national`` the cheapest set of solutions that reaches the next national grade is searched
    first (placed in the first stage when it fits), and each stage shows its projected national grade.

    Horizon by horizon: the remaining candidates are ranked against the state projected at the
    start of the horizon (so "the next level" moves as the plan climbs), then placed in that
    order while the horizon has room, their prerequisites are scheduled (same or earlier
    horizon, finishing before they start), their ``requires`` holds and the budget allows.
    """
    q = scheme.questionnaire
    state0 = scheme.state_of(a)
    pain_ids = chosen(state0, PAINS)
    band = state0.values.get(BUDGET)
    budget_source = "option" if budget is not None else "none"
    if budget is None and isinstance(band, str) and BUDGET_CAPS.get(band) is not None:
        budget, budget_source = BUDGET_CAPS[band], "answers"
    horizon = state0.values.get(HORIZON)
    stages = (
        catalog.horizons[: HORIZON_STAGES.get(horizon, len(catalog.horizons))]
        if isinstance(horizon, str)
        else catalog.horizons
    )
    base_answers = answers_from_assessment(a)
    pending, _ = select(scheme, a, catalog)
    all_cands = list(pending)
    step = None
    if national is not None:
        wide, _ = select(scheme, a, catalog, any_level=True)
        step = grade_step(scheme, a, base_answers, wide, national, budget)
        if step is not None and step.fits_budget:  # a step outside the level-based selection joins the plan
            have = {c.solution.id for c in pending}
            pending += [c for c in wide if c.solution.id in step.solutions and c.solution.id not in have]
            for c in pending:
                c.prereqs = [p for p in c.solution.prerequisites if p in {x.solution.id for x in pending}]
            all_cands = list(pending)
    forced = set(step.solutions) if step is not None and step.fits_budget else set()
    assigned: dict[str, int] = {}
    start: dict[str, int] = {}
    finish: dict[str, int] = {}
    left: list[LeftOut] = []
    left_ids: set[str] = set()
    spent = 0.0
    chosen_sols: list[Solution] = []
    plans: list[HorizonPlan] = []
    prev, prev_answers = a, base_answers
    dims = q.dimension_map
    last_requires: dict[str, list[str]] = {}
    pain_label = _pain_labels(q)
    in_use = _systems_in_use(q, state0)
    titles = {x.id: x.title for x in catalog.solutions}
    # an item names only the policies that apply in the firm's region (a 广东 firm is not shown a 江西 programme)
    applicable = {p.id for p in catalog.policies if policy_applies(p, a.enterprise.region or "")}
    covered: set[str] = set()  # the owner's pains a scheduled solution already addresses

    for h, hz in enumerate(stages):
        prev_state = scheme.state_of(prev)
        items: list[Candidate] = []
        queue = rank(scheme, pending, prev, prev_answers)
        eff = _effective_pains(queue)
        while queue:
            c = _next_pick(queue, eff, covered, pain_ids, forced if h == 0 else set())
            queue.remove(c)
            s = c.solution
            missing = [p for p in c.prereqs if p in left_ids]
            if missing:
                left.append(_missing_prerequisites(s, missing, titles))
                left_ids.add(s.id)
                continue
            if not _adds_something_to(q, prev_answers, s):
                left.append(_left(s, "covered", "计划中已安排的其他方案已实现本方案的改进内容"))
                left_ids.add(s.id)
                continue
            if any(p not in assigned for p in c.prereqs):
                continue  # waits for its prerequisite (placed in this horizon later, or in a later one)
            if budget is not None and spent + s.cost.max > budget + _EPS:
                left.append(_left(s, "budget", _over_budget(s.cost.max, budget, spent)))
                left_ids.add(s.id)
                continue
            if s.id not in forced and sum(1 for i in items if i.solution.id not in forced) >= hz.max_items:
                continue
            st = max([hz.start_weeks, *(finish[p] for p in c.prereqs)])
            fin = st + math.ceil(s.weeks.max)
            if fin > hz.end_weeks:
                continue
            if s.requires is not None:
                res = evaluate(s.requires, prev_state)
                if not res.passed:
                    last_requires[s.id] = failing_leaves(res)
                    continue
            assigned[s.id], start[s.id], finish[s.id] = h, st, fin
            items.append(c)
            covered.update(c.pains)
            spent += s.cost.max
        items = [c for c in items if c.solution.id not in forced] + [
            c for c in items if c.solution.id in forced
        ]
        pending = [c for c in pending if c.solution.id not in assigned and c.solution.id not in left_ids]
        chosen_sols += [c.solution for c in items]
        proj_answers = apply_improvements(q, base_answers, chosen_sols) if items else prev_answers
        proj = scheme.assess(proj_answers) if items else prev
        prev_dims = {d.id: d for d in prev.dimensions}
        raised = [
            f"{dims[d.id].name} {before.label}→{d.level.label}"
            for d in proj.dimensions
            if d.level and (before := prev_dims[d.id].level) is not None and d.level.rank > before.rank
        ]
        plans.append(
            HorizonPlan(
                id=hz.id,
                name=hz.name,
                start_weeks=hz.start_weeks,
                end_weeks=hz.end_weeks,
                items=[
                    _item(
                        scheme,
                        c,
                        start[c.solution.id],
                        finish[c.solution.id],
                        pain_label,
                        _enabled(c, items),
                        in_use,
                        titles,
                        applicable,
                        prev_dims[c.solution.dimension].level if c.solution.dimension in prev_dims else None,
                        a.enterprise.sub_sector,
                    )
                    for c in items
                ],
                cost_min=round(sum(c.solution.cost.min for c in items), 2),
                cost_max=round(sum(c.solution.cost.max for c in items), 2),
                projected_level=proj.level,
                projected_score=proj.score,
                raised_dimensions=raised,
                projected_grade=projected_grade(scheme, proj, proj_answers, national) if national else None,
            )
        )
        prev, prev_answers = proj, proj_answers

    beyond = len(stages) < len(catalog.horizons)
    for c in _topological(pending):
        s = c.solution
        missing = [p for p in c.prereqs if p in left_ids]
        if missing:
            left.append(_missing_prerequisites(s, missing, titles))
        elif s.id in last_requires:
            left.append(
                _left(
                    s, "requires", "在路线图各阶段开始时仍不具备所需条件：" + "；".join(last_requires[s.id])
                )
            )
        elif beyond:
            left.append(
                _left(
                    s,
                    "horizon",
                    f"超出您希望的见效时间（只安排到“{stages[-1].name}”阶段），"
                    "建议完成前几步后重新评估再安排",
                )
            )
        else:
            caps = "/".join(str(hz.max_items) for hz in catalog.horizons)
            left.append(
                _left(
                    s,
                    "capacity",
                    f"两年路线图已排满（各阶段最多 {caps} 项）或部署周期放不下，"
                    "建议完成前几阶段后重新评估再安排",
                )
            )
        left_ids.add(s.id)

    if step is not None and step.fits_budget and not all(i in assigned for i in step.solutions):
        rank_of = {lv.label: lv.rank for lv in national.target.questionnaire.levels} if national else {}
        reached = next(
            (
                h.name
                for h in plans
                if h.projected_grade is not None
                and rank_of.get(h.projected_grade.label, -1) >= rank_of.get(step.target, 99)
            ),
            None,
        )
        tail = (
            f"；预算已先用于您所选问题的方案，这一步未单独排入，但“{reached}”阶段的方案落地后按估算也能达到{step.target}。"
            if reached
            else "；预算已先用于您所选问题的方案，这一步未排入路线图。"
        )
        step = step.model_copy(update={"fits_budget": False, "text": step.text.rstrip("。") + tail})
    used = {p for s in chosen_sols for p in s.policies}
    policies = [
        PolicyRef(
            id=p.id,
            name=p.name,
            issuer=p.issuer,
            ref=p.ref,
            year=p.year,
            kind=p.kind,
            summary=p.summary,
            amount=p.amount,
            eligibility=p.eligibility,
            region=p.region,
            source=p.source,
        )
        for p in catalog.policies
        if p.id in used and p.id in applicable
    ]
    return Plan(
        catalog_id=catalog.id,
        catalog_version=catalog.version,
        note=catalog.note,
        method=METHOD,
        current_level=a.level,
        current_score=a.score,
        target_level=prev.level,
        budget=budget,
        budget_source=budget_source,
        priorities=priorities_text(pain_ids, pain_label, budget, budget_source, stages, catalog),
        pains=[pain_label.get(p, p) for p in pain_ids],
        grade_step=step,
        nothing_fits=_nothing_fits(all_cands, chosen_sols, budget) if budget is not None else "",
        total_cost_min=round(sum(s.cost.min for s in chosen_sols), 2),
        total_cost_max=round(sum(s.cost.max for s in chosen_sols), 2),
        horizons=plans,
        left_out=left,
        policies=policies,
    )


def _effective_pains(cands: list[Candidate]) -> dict[str, set[str]]:
    """Each candidate's own pains and those of every candidate waiting for it (transitively): a prerequisite
    is picked for the pains its dependents solve."""
    eff = {c.solution.id: set(c.pains) for c in cands}
    for _ in range(len(cands) + 1):
        changed = False
        for c in cands:
            for p in c.prereqs:
                if p in eff and not eff[c.solution.id] <= eff[p]:
                    eff[p] |= eff[c.solution.id]
                    changed = True
        if not changed:
            break
    return eff


def _next_pick(
    queue: list[Candidate], eff: dict[str, set[str]], covered: set[str], pains: list[str], forced: set[str]
) -> Candidate:
    """Budget first for the owner's priorities: the candidate that addresses the most weight of pains not yet
    addressed by a scheduled solution; then the national-grade step; then the ranking order."""
    waiting = {c.solution.id for c in queue}

    def weight(ids: set[str]) -> int:
        return sum(pain_weight(pains.index(p)) for p in ids - covered)

    def pick_key(ic: tuple[int, Candidate]) -> tuple:
        i, c = ic
        ready = not any(p in waiting for p in c.prereqs)  # a prerequisite still queued goes first
        return (ready, weight(eff[c.solution.id]), weight(set(c.pains)), c.solution.id in forced, -i)

    return max(enumerate(queue), key=pick_key)[1]


def policy_applies(p: Any, region: str) -> bool:
    """A national policy applies everywhere; a regional one (``applies_in``) where the region starts with one of
    its names (an unknown region sees national policies only)."""
    return not p.applies_in or any(region.startswith(r) for r in p.applies_in)


def _systems_in_use(q: Questionnaire, state: State) -> dict[str, str]:
    """The systems the owner says are in use (PR-04): option value -> its label."""
    x = q.question_map.get(SYSTEMS)
    labels = {o.value: o.label for o in q.options_of(x)} if x is not None else {}
    return {v: labels.get(v, v) for v in chosen(state, SYSTEMS)}


def _pain_labels(q: Questionnaire) -> dict[str, str]:
    x = q.question_map.get(PAINS)
    return {o.value: o.label for o in q.options_of(x)} if x is not None else {}


def priorities_text(
    pains: list[str],
    labels: dict[str, str],
    budget: float | None,
    budget_source: str,
    stages: list[Any],
    catalog: Catalog,
) -> str:
    """The plan's one line on how the owner's pains, budget and time horizon were used."""
    parts = []
    if pains:
        parts.append(
            "能解决您所选问题（按您排的先后："
            + "；".join(labels.get(p, p) for p in pains)
            + "）的方案排在最前，"
            "第一项问题权重 3、第二项 2、其余 1，权重相同的先排费用低的；其余方案按对升级到下一等级的作用排序"
        )
    else:
        parts.append("答卷没有选择最想解决的问题，方案按对升级到下一等级的作用排序")
    if budget_source == "answers":
        parts.append(f"全部方案的参考费用上限累计控制在您所选预算 {budget:g} 万元以内")
    elif budget_source == "option":
        parts.append(f"全部方案的参考费用上限累计控制在指定预算 {budget:g} 万元以内")
    else:
        parts.append("答卷没有选择预算范围，未设预算上限")
    if len(stages) < len(catalog.horizons):
        parts.append(f"按您希望的见效时间只安排到“{stages[-1].name}”阶段")
    return "怎样使用了您的选择：" + "；".join(parts) + "。"


def _nothing_fits(cands: list[Candidate], chosen_sols: list[Solution], budget: float) -> str:
    """When the budget holds no solution at all: say so, and name the cheapest worthwhile first step."""
    if chosen_sols or not cands:
        return ""
    worthwhile = [c for c in cands if c.pains or c.impact.addresses_next_level] or cands
    first = min(worthwhile, key=lambda c: (c.solution.cost.max, -len(c.pains), c.index))
    cheapest = min(c.solution.cost.max for c in cands)
    s = first.solution
    return (
        f"预算 {budget:g} 万元内放不下任何推荐方案（参考费用上限最低的方案也要 {cheapest:g} 万元）。"
        f"最省又有用的第一步：{s.title}，参考费用 {s.cost.min:g}–{s.cost.max:g} 万元"
        + ("，能解决您所选的问题" if first.pains else "")
        + "；可先申请当地免费的数字化转型诊断，或调整预算后重新生成路线图。"
    )


def projected_grade(
    scheme: Scheme, result: Assessment, answers: AnswersFile, national: National
) -> ProjectedGrade:
    from maturity.engine.grade import borderline, estimate_result

    g, _ = estimate_result(national.crosswalk, scheme, result, answers, national.target)
    return ProjectedGrade(
        label=g.level.label, score=round(g.score, 1), borderline=borderline(national.target, g)[0]
    )


def _scenes(g: Assessment) -> list[Any]:
    return [x.answer for x in g.questions]


_READS: dict[int, tuple[Any, frozenset[str]]] = {}


def _crosswalk_reads(cw: Any) -> frozenset[str]:
    """The source questions a crosswalk reads (cached per crosswalk object)."""
    from maturity.models.conditions import walk

    hit = _READS.get(id(cw))
    if hit is None or hit[0] is not cw:
        out: set[str] = set()
        for m in cw.map.values():
            if m.copy_:
                out.add(m.copy_)
            conds = list((m.options or {}).values()) + [c.when for c in (m.cases or [])]
            for cond in conds:
                out.update(n.question for n in walk(cond) if isinstance(n, QuestionCond))
        hit = _READS[id(cw)] = (cw, frozenset(out))
    return hit[1]


STEP_REACH = 10.0  # points: a national grade further away than this is not "within reach" of a step
_PAIR_POOL = 6  # the cheapest single candidates that move the estimate; their pairs are tried next


def grade_step(
    scheme: Scheme,
    a: Assessment,
    answers: AnswersFile,
    cands: list[Candidate],
    national: National,
    budget: float | None,
) -> GradeStep | None:
    """The cheapest single solution (with its candidate prerequisites), else the cheapest pair, whose declared
    answers lift the estimated national grade by one; None when none does or the grade is out of reach
    (more than ``STEP_REACH`` points away). Only solutions improving an answer the crosswalk reads are tried;
    pairs are built from the ``_PAIR_POOL`` cheapest singles that change the estimate at all."""
    from maturity.engine.grade import estimate_of, estimate_result, points

    cw, target = national
    cur, _ = estimate_result(cw, scheme, a, answers, target)
    cur_rank, cur_scenes = cur.level.rank, _scenes(cur)
    nxt = cur.next_level
    if nxt is None or not cands:
        return None
    need = next((b.min_score for b in target.rules.level_bands if b.level == nxt.id), 0.0)
    gap = need - cur.score
    if gap > STEP_REACH:
        return None
    by_id = {c.solution.id: c for c in cands}

    def closure(ids: set[str]) -> frozenset[str]:
        out, todo = set(), list(ids)
        while todo:
            i = todo.pop()
            if i not in out:
                out.add(i)
                todo += by_id[i].prereqs
        return frozenset(out)

    def cost(ids: frozenset[str]) -> tuple[float, float]:
        return (sum(by_id[i].solution.cost.max for i in ids), sum(by_id[i].solution.cost.min for i in ids))

    base_norm = scheme.normalize(answers)

    def estimate(ids: frozenset[str]) -> Estimate:
        sols = [by_id[i].solution for i in sorted(ids, key=lambda i: by_id[i].index)]
        new = apply_improvements(scheme.questionnaire, answers, sols)
        # answers are normalised one by one: only the improved ones need it again
        changed = {qid: x for qid, x in new.answers.items() if x is not answers.answers.get(qid)}
        norm = {**base_norm, **scheme.normalize(new.model_copy(update={"answers": changed}))}
        return estimate_of(cw, scheme, new, target, norm)  # score, level, answers: what is compared

    rank_of = target.level_rank

    reads = _crosswalk_reads(cw)
    relevant = [c for c in cands if any(qid in reads for qid in c.solution.improves)]  # others cannot move it
    singles = sorted({closure({c.solution.id}) for c in relevant}, key=lambda ids: (cost(ids), sorted(ids)))
    found: tuple[frozenset[str], Estimate] | None = None
    moved: list[frozenset[str]] = []  # singles that change the estimate at all (pairs are built from these)
    for ids in singles:
        g = estimate(ids)
        if rank_of[g.level_id] > cur_rank:
            found = (ids, g)
            break
        if g.score != cur.score or g.answers != cur_scenes:
            moved.append(ids)
    if found is None:
        pool = moved[:_PAIR_POOL]
        pairs = sorted(
            {a_ | b_ for i, a_ in enumerate(pool) for b_ in pool[i + 1 :]},
            key=lambda ids: (cost(ids), sorted(ids)),
        )
        for ids in pairs:
            g = estimate(ids)
            if rank_of[g.level_id] > cur_rank:
                found = (ids, g)
                break
    if found is None:
        return None
    ids, g = found
    order = sorted(ids, key=lambda i: by_id[i].index)
    sols = [by_id[i].solution for i in order]
    hi, lo = cost(ids)
    paperwork = all(s.paperwork for s in sols)
    titles = [s.title for s in sols]
    what = "、".join(titles)
    head = f"差 {points(gap, ())} 分：" if gap > 0 else "评测得分已够，差的是场景等级："
    if gap > 0 and gap < 0.05:
        head = f"差 {gap:.2f} 分："
    text = f"{head}{what}即可达到{nxt.label}（估算，按对照表推算，得分约 {points(g.score)} 分）"
    text += (
        "。这是管理制度工作，不是数字化改造；评测时须能出示成文制度和执行记录"
        if paperwork
        else f"，参考费用 {lo:g}–{hi:g} 万元"
    )
    fits = budget is None or hi <= budget + _EPS
    if not fits:
        text += f"；超出预算 {budget:g} 万元，未排入路线图"
    return GradeStep(
        target=nxt.label,
        gap=round(gap, 2),
        solutions=order,
        titles=titles,
        cost=Range(min=round(lo, 2), max=round(hi, 2)),
        paperwork_only=paperwork,
        score_after=round(g.score, 2),
        fits_budget=fits,
        text=text + "。",
    )


def _left(s: Solution, kind: str, reason: str) -> LeftOut:
    return LeftOut(id=s.id, title=s.title, kind=kind, reason=reason, cost=s.cost)


def _missing_prerequisites(s: Solution, missing: list[str], titles: dict[str, str]) -> LeftOut:
    names = [titles.get(m, m) for m in missing]
    return LeftOut(
        id=s.id,
        title=s.title,
        kind="prerequisite",
        reason="前置方案" + "、".join(f"“{n}”" for n in names) + "未纳入计划，本方案无法先行实施",
        cost=s.cost,
        missing=list(missing),
        missing_titles=names,
    )


def _enabled(c: Candidate, items: list[Candidate]) -> list[tuple[str, list[str]]]:
    """The scheduled solutions of the same stage that wait for ``c`` and address the owner's pains."""
    return [
        (d.solution.title, [p for p in d.pains if p not in c.pains])
        for d in items
        if c.solution.id in d.prereqs and any(p not in c.pains for p in d.pains)
    ]


def _item(
    scheme: Scheme,
    c: Candidate,
    start: int,
    finish: int,
    pain_label: dict[str, str],
    enabled: tuple[tuple[str, list[str]], ...] | list[tuple[str, list[str]]] = (),
    in_use: dict[str, str] | None = None,
    titles: dict[str, str] | None = None,
    applicable: set[str] | None = None,
    level_before: LevelRef | None = None,
    sub_sector: str | None = None,
) -> PlanItem:
    s = c.solution
    reached = c.impact.dimension_level
    because = "因为：" + "；".join(r.text for r in c.reasons)
    have = [label for v, label in (in_use or {}).items() if v in s.included_in]
    in_use_note = (
        f"您已在用{'、'.join(f'“{h}”' for h in have)}：这类系统常带有这项功能，先请现有供应商确认并启用相应模块，"
        "往往不必另购，费用可能只到参考区间的下限"
        if have
        else ""
    )
    if in_use_note:
        because += "。" + in_use_note
    pains = list(c.pains)
    for title, ps in enabled:
        because = f"这是“{title}”的前置，" + because
        pains += [p for p in ps if p not in pains]
    if pains:
        because = "针对您选的问题：" + "；".join(pain_label.get(p, p) for p in pains) + "。" + because
    if s.paperwork:
        because = "（管理制度工作，不是数字化改造）" + because
    return PlanItem(
        id=s.id,
        title=s.title,
        dimension=s.dimension,
        dimension_name=scheme.dmap[s.dimension].name,
        changes=s.changes_in(sub_sector),
        lifts_to=scheme.level_ref[s.lifts_to],
        reaches=scheme.level_ref[reached] if reached is not None else None,
        level_before=level_before,
        cost=Range(min=s.cost.min, max=s.cost.max),
        cost_note=s.cost_note,
        weeks=Range(min=s.weeks.min, max=s.weeks.max),
        start_week=start,
        finish_week=finish,
        prerequisites=list(s.prerequisites),
        prerequisite_titles=[(titles or {}).get(x, x) for x in s.prerequisites],
        in_use_note=in_use_note,
        kpis=list(s.kpis),
        policies=[x for x in s.policies if applicable is None or x in applicable],
        source=s.source,
        paperwork=s.paperwork,
        addresses=[pain_label.get(p, p) for p in pains],
        because=because,
        reasons=c.reasons,
        impact=c.impact,
    )
