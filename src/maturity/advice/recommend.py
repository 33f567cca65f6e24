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
from typing import Any, NamedTuple

from maturity.engine.conditions import State, evaluate, failing_leaves, holds, short
from maturity.engine.normalize import Normalized
from maturity.engine.scoring import Scheme, Summary
from maturity.models.answers import Answer, AnswersFile, Enterprise
from maturity.models.catalog import (
    Catalog,
    HorizonPlan,
    Impact,
    LeftOut,
    Plan,
    PlanItem,
    PolicyRef,
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
from maturity.models.questionnaire import Question, Questionnaire
from maturity.models.results import Assessment, Blocker

METHOD = (
    "等级预测方法：把计划内各方案声明的“落地后可如实改选的答案”（improves）按阶段累加到当前答卷上"
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
    return Enterprise.model_construct(name=e.name, credit_code=e.credit_code, sub_sector=e.sub_sector, size=e.size,
                                      region=e.region, contact="", assessor=e.assessor)


def standing(scheme: Scheme, a: Assessment) -> Standing:
    return Standing(_enterprise_of(a), a.enterprise.industry_type or None, scheme.state_of(a), a.score, a.level.rank,
                    a.next_level.id if a.next_level else None, a.blockers)


def standing_of_summary(scheme: Scheme, enterprise: Enterprise, summary: Summary) -> Standing:
    sub = scheme.sub_sectors.get(enterprise.sub_sector)
    return Standing(enterprise, sub.industry_type if sub else None, summary.state, summary.score, summary.level.rank,
                    summary.next_level.id if summary.next_level else None, summary.blockers)


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
            answers[x.id] = Answer.model_construct(value=None, na=True, justification=x.justification or "不适用",
                                                   note=x.note)
        elif x.answer is not None:
            answers[x.id] = Answer.model_construct(value=x.answer, na=False, justification="", note=x.note)
    return AnswersFile.model_construct(questionnaire=a.questionnaire_id, questionnaire_version=a.questionnaire_version,
                                       enterprise=_enterprise_of(a), created_at=None, updated_at=None,
                                       answers=answers)


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


def improve_answers(q: Questionnaire, answers: dict[str, Normalized], solutions: list[Solution]) -> dict[str, Normalized]:
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
    before = {qid: Normalized(a.value, a.na, a.note, a.justification) for qid, a in answers.answers.items()}
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
        if status is None or status in ("na", "not_applicable"):
            continue
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


# ---- reasons ---------------------------------------------------------------------------------
def reasons_for(cond: Any, state: State) -> list[Reason]:
    """The leaves that make ``cond`` hold on ``state``, as readable reasons naming the answers."""
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
        conj = isinstance(cond, AllCond) != negated  # all, or not-any: every child contributes
        for k in kids:
            holds = evaluate(k, state).passed != negated
            if conj or holds:
                _collect(k, state, negated, out)
        return
    if isinstance(cond, NotCond):
        _collect(cond.not_, state, not negated, out)
        return
    if isinstance(cond, QuestionCond):
        out.append(Reason(question=cond.question, text=_answer_reason(state, cond.question)))
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


def _applies(s: Solution, st: Standing) -> bool:
    it = st.industry_type
    if it and it not in s.industry_types:
        return False
    return s.sub_sectors is None or st.enterprise.sub_sector in s.sub_sectors


def _in_place(scheme: Scheme, st: Standing, s: Solution) -> bool:
    state = st.state
    if not holds(s.trigger, state):
        return True
    lv = state.dim_levels.get(s.dimension)
    if lv is not None and scheme.level_rank[lv] >= scheme.level_rank[s.lifts_to]:
        return True
    return not _adds_something(scheme.questionnaire, state, s)


def impact(scheme: Scheme, base: Standing, answers: dict[str, Normalized], s: Solution) -> Impact:
    """What applying ``s`` alone to ``answers`` does for the next level (one re-scoring)."""
    nxt = base.next_id
    after = scheme.probe_of(base.enterprise, improve_answers(scheme.questionnaire, answers, [s]), nxt)
    gain = round(after.score - base.score, 3)
    if nxt is None:
        return Impact(addresses_next_level=False, raises_level=False, gates=[], gaps_closed=0, score_gain=gain)
    failing = base.failing_gates()
    opened = [gid for gid in failing if after.failing[gid] == 0]
    closed = sum(max(0, n - after.failing[gid]) for gid, n in failing.items())
    score_blocked = base.score_blocked()
    raises = after.level_rank > base.level_rank
    addresses = raises or bool(opened) or closed > 0 or (score_blocked and gain > 0)
    return Impact(addresses_next_level=addresses, raises_level=raises, gates=opened, gaps_closed=closed,
                  score_gain=gain)


def select(scheme: Scheme, a: Assessment | Standing, catalog: Catalog, *,
           reasons: bool = True) -> tuple[list[Candidate], set[str]]:
    """Recommended candidates (catalog order, not yet ranked) and the ids of solutions already in place.

    ``reasons=False`` leaves out the readable reasons (a batch summary lists titles only)."""
    st = standing(scheme, a) if isinstance(a, Assessment) else a
    cands: list[Candidate] = []
    in_place: set[str] = set()
    for i, s in enumerate(catalog.solutions):
        if not _applies(s, st):
            continue
        if _in_place(scheme, st, s):
            in_place.add(s.id)
            continue
        cands.append(Candidate(s, i, reasons_for(s.trigger, st.state) if reasons else [],
                               Impact(addresses_next_level=False)))
    ids = {c.solution.id for c in cands}
    for c in cands:
        c.prereqs = [p for p in c.solution.prerequisites if p in ids]
    return cands, in_place


def rank(scheme: Scheme, cands: list[Candidate], at: Assessment | Standing,
         answers: AnswersFile | dict[str, Normalized]) -> list[Candidate]:
    """Score each candidate alone against the state ``at`` and return them in topological priority order."""
    st = standing(scheme, at) if isinstance(at, Assessment) else at
    if isinstance(answers, AnswersFile):
        answers = {qid: Normalized(a.value, a.na, a.note, a.justification) for qid, a in answers.answers.items()}
    dim_score = dimension_scores(st)
    for c in cands:
        c.impact = impact(scheme, st, answers, c.solution)
        c.key = key_of(c, dim_score)
    return prioritise(cands)


def dimension_scores(st: Standing) -> dict[str, float]:
    return {did: v if v is not None else 0.0 for did, v in st.state.dim_scores.items()}


def key_of(c: Candidate, dim_score: dict[str, float]) -> tuple:
    """The ranking key: level gain, gates opened, gaps closed, next level addressed, weakest dimension first,
    score gain, cheaper first, catalog order."""
    i = c.impact
    return (i.raises_level, len(i.gates), i.gaps_closed, i.addresses_next_level,
            -dim_score.get(c.solution.dimension, 0.0), i.score_gain, -c.solution.cost.max, -c.index)


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
    return (f"预算 {budget:g} 万元中已安排 {spent:g} 万元、还剩 {remaining:g} 万元，"
            f"本方案参考费用上限 {cost:g} 万元，剩余预算不够")


def build_plan(scheme: Scheme, a: Assessment, catalog: Catalog, budget: float | None = None) -> Plan:
    """The upgrade roadmap for one Assessment (optionally within a budget in 万元).

    Horizon by horizon: the remaining candidates are ranked against the state projected at the
    start of the horizon (so "the next level" moves as the plan climbs), then placed in that
    order while the horizon has room, their prerequisites are scheduled (same or earlier
    horizon, finishing before they start), their ``requires`` holds and the budget allows.
    """
    q = scheme.questionnaire
    base_answers = answers_from_assessment(a)
    pending, _ = select(scheme, a, catalog)
    assigned: dict[str, int] = {}
    start: dict[str, int] = {}
    finish: dict[str, int] = {}
    left: list[LeftOut] = []
    left_ids: set[str] = set()
    spent = 0.0
    chosen: list[Solution] = []
    plans: list[HorizonPlan] = []
    prev, prev_answers = a, base_answers
    dims = q.dimension_map
    last_requires: dict[str, list[str]] = {}

    for h, hz in enumerate(catalog.horizons):
        prev_state = scheme.state_of(prev)
        items: list[Candidate] = []
        for c in rank(scheme, pending, prev, prev_answers):
            s = c.solution
            missing = [p for p in c.prereqs if p in left_ids]
            if missing:
                left.append(_left(s, "prerequisite", f"前置方案 {'、'.join(missing)} 未纳入计划，本方案无法先行实施"))
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
            if len(items) >= hz.max_items:
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
            spent += s.cost.max
        pending = [c for c in pending if c.solution.id not in assigned and c.solution.id not in left_ids]
        chosen += [c.solution for c in items]
        proj_answers = apply_improvements(q, base_answers, chosen) if items else prev_answers
        proj = scheme.assess(proj_answers) if items else prev
        prev_dims = {d.id: d for d in prev.dimensions}
        raised = [f"{dims[d.id].name} {prev_dims[d.id].level.label}→{d.level.label}"  # type: ignore[union-attr]
                  for d in proj.dimensions
                  if d.level and prev_dims[d.id].level and d.level.rank > prev_dims[d.id].level.rank]  # type: ignore[union-attr]
        plans.append(HorizonPlan(
            id=hz.id, name=hz.name, start_weeks=hz.start_weeks, end_weeks=hz.end_weeks,
            items=[_item(scheme, c, start[c.solution.id], finish[c.solution.id]) for c in items],
            cost_min=round(sum(c.solution.cost.min for c in items), 2),
            cost_max=round(sum(c.solution.cost.max for c in items), 2),
            projected_level=proj.level, projected_score=proj.score, raised_dimensions=raised))
        prev, prev_answers = proj, proj_answers

    for c in _topological(pending):
        s = c.solution
        missing = [p for p in c.prereqs if p in left_ids]
        if missing:
            left.append(_left(s, "prerequisite", f"前置方案 {'、'.join(missing)} 未纳入计划，本方案无法先行实施"))
        elif s.id in last_requires:
            left.append(_left(s, "requires", "在路线图各阶段开始时仍不具备所需条件：" + "；".join(last_requires[s.id])))
        else:
            caps = "/".join(str(hz.max_items) for hz in catalog.horizons)
            left.append(_left(s, "capacity", f"两年路线图已排满（各阶段最多 {caps} 项）或部署周期放不下，"
                                             "建议完成前几阶段后重新评估再安排"))
        left_ids.add(s.id)

    used = {p for s in chosen for p in s.policies}
    policies = [PolicyRef(id=p.id, name=p.name, kind=p.kind, summary=p.summary, amount=p.amount,
                          eligibility=p.eligibility, region=p.region, source=p.source)
                for p in catalog.policies if p.id in used]
    return Plan(
        catalog_id=catalog.id, catalog_version=catalog.version, note=catalog.note, method=METHOD,
        current_level=a.level, current_score=a.score, target_level=prev.level, budget=budget,
        total_cost_min=round(sum(s.cost.min for s in chosen), 2),
        total_cost_max=round(sum(s.cost.max for s in chosen), 2),
        horizons=plans, left_out=left, policies=policies)


def _left(s: Solution, kind: str, reason: str) -> LeftOut:
    return LeftOut(id=s.id, title=s.title, kind=kind, reason=reason, cost=s.cost)  # type: ignore[arg-type]


def _item(scheme: Scheme, c: Candidate, start: int, finish: int) -> PlanItem:
    s = c.solution
    return PlanItem(
        id=s.id, title=s.title, dimension=s.dimension, dimension_name=scheme.dmap[s.dimension].name,
        changes=s.changes, lifts_to=scheme.level_ref[s.lifts_to], cost=Range(min=s.cost.min, max=s.cost.max),
        cost_note=s.cost_note, weeks=Range(min=s.weeks.min, max=s.weeks.max), start_week=start, finish_week=finish,
        prerequisites=list(s.prerequisites), kpis=list(s.kpis), policies=list(s.policies), source=s.source,
        because="因为：" + "；".join(r.text for r in c.reasons), reasons=c.reasons, impact=c.impact)
