"""The scoring engine: a pure, deterministic function from (questionnaire, rules, answers) to an Assessment.

``Scheme`` compiles a questionnaire + rules pair once (indexes, weights per industry
type) so that batch scoring pays that cost once. ``score()`` is the one-call form.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import NamedTuple, cast

from maturity.engine.conditions import (
    Check,
    State,
    compile_condition,
    count_failing_leaves,
    evaluate,
    failing_leaves,
    holds,
)
from maturity.engine.normalize import Normalized, answer_text, mark_not_asked, normalize_answers, option_score
from maturity.errors import DataValidationError, Issue
from maturity.models.answers import AnswersFile, Enterprise
from maturity.models.conditions import QuestionCond, walk
from maturity.models.questionnaire import INDUSTRY_TYPE_NAMES, AnswerCheck, Question, Questionnaire
from maturity.models.results import (
    Assessment,
    Blocker,
    ConditionResult,
    DimensionResult,
    GateResult,
    LevelRef,
    Profile,
    QuestionResult,
    QuestionStatus,
)
from maturity.models.rules import LevelBand, Rules

_EPS = 1e-9


class Scheme:
    """A questionnaire and its rules, compiled for scoring many answer sets."""

    def __init__(self, questionnaire: Questionnaire, rules: Rules) -> None:
        self.questionnaire = questionnaire
        self.rules = rules
        q = questionnaire
        self.qmap = q.question_map
        self.dmap = q.dimension_map
        self.levels = q.levels_sorted()
        self.level_rank = {lv.id: lv.rank for lv in self.levels}
        self.level_label = {lv.id: lv.label for lv in self.levels}
        self.level_ref = {
            lv.id: LevelRef.model_construct(id=lv.id, rank=lv.rank, name=lv.name, label=lv.label)
            for lv in self.levels
        }
        self.opt_pos = {x.id: {o.value: i for i, o in enumerate(q.options_of(x))} for x in q.questions}
        self.sub_sectors = q.sub_sector_map
        self.sizes = {s.id: s.name for s in q.size_bands}
        # per question: (question, scored, option score map or None, industry types, sub-sectors)
        self._qinfo = [
            (
                x,
                x.id,
                x.dimension,
                x.scored,
                x.kind == "multi",
                {o.value: o.score for o in q.options_of(x)}
                if x.kind in ("single", "yesno", "multi")
                else None,
                frozenset(x.applies_to.industry_types) | {"mixed"}  # a mixed plant is asked both sets
                if x.applies_to and x.applies_to.industry_types
                else None,
                frozenset(x.applies_to.sub_sectors) if x.applies_to and x.applies_to.sub_sectors else None,
                x.show_if,
            )
            for x in q.questions
        ]
        self.gates_by_level: dict[str, list] = {}
        for g in rules.gates:
            self.gates_by_level.setdefault(g.level, []).append(g)
        # the climb's checks, compiled once: same truth values as `holds(g.when, state)`
        self.gate_checks: dict[str, list[Check]] = {
            level: [compile_condition(g.when, q, self.opt_pos) for g in gates]
            for level, gates in self.gates_by_level.items()
        }

    @cached_property
    def _weights(self) -> dict[str | None, tuple[dict[str, float], dict[str, float]]]:
        w = self.rules.weights
        out: dict[str | None, tuple[dict[str, float], dict[str, float]]] = {}
        for itype in (None, "discrete", "process", "mixed"):
            dims = {d.id: w.dimensions.get(d.id, 1.0) for d in self.questionnaire.dimensions}
            qs = {x.id: w.questions.get(x.id, 1.0) for x in self.questionnaire.questions}
            override = w.by_industry_type.get(itype) if itype else None
            if override:
                dims.update(override.dimensions)
                qs.update(override.questions)
            elif itype == "mixed":  # no set of its own: the mean of the discrete and the process weights
                (dd, dq), (pd, pq) = out["discrete"], out["process"]
                dims = {k: (dd[k] + pd[k]) / 2 for k in dims}
                qs = {k: (dq[k] + pq[k]) / 2 for k in qs}
            out[itype] = (dims, qs)
        return out

    def weights(self, industry_type: str | None) -> tuple[dict[str, float], dict[str, float]]:
        return self._weights.get(industry_type, self._weights[None])

    def state_of(self, result: Assessment) -> State:
        """Rebuild the condition-evaluation state of a finished Assessment (for triggers and crosswalks)."""
        state = State(
            self.questionnaire,
            self.opt_pos,
            self.level_rank,
            self.level_label,
            score_label=self.rules.score_label,
        )
        for x in result.questions:
            state.status[x.id] = x.status
            state.values[x.id] = x.answer
            state.q_scores[x.id] = x.score
        for d in result.dimensions:
            state.dim_scores[d.id] = d.score
            state.dim_levels[d.id] = d.level.id if d.level else None
        state.score = result.score
        return state

    # ------------------------------------------------------------------------------------
    def normalize(self, answers: AnswersFile) -> dict[str, Normalized]:
        norm, problems = normalize_answers(self.questionnaire, answers.answers)
        norm = mark_not_asked(self.questionnaire, answers.depth, answers.migrated_from, norm)
        if problems:
            raise DataValidationError(
                [
                    Issue("<answers>", msg, field=".".join(map(str, loc)), value=str(inp))
                    for loc, msg, inp in problems
                ]
            )
        return norm

    def _core(self, ent: Enterprise, normalized: dict[str, Normalized]) -> _Core:
        """Statuses, scores, dimension levels and the level climb: everything but the explanations.

        The engine needs only the enterprise profile and the canonical answers."""
        q = self.questionnaire
        rules = self.rules
        itype = q.industry_type_of(ent.sub_sector, ent.industry_type)
        dim_w, q_w = self.weights(itype)
        state = State(q, self.opt_pos, self.level_rank, self.level_label, score_label=rules.score_label)
        statuses, values, q_scores = state.status, state.values, state.q_scores
        sums: dict[str, list[float]] = {d.id: [0.0, 0.0] for d in q.dimensions}
        sub_id = ent.sub_sector
        get = normalized.get
        for x, qid, dim, scored, multi, score_map, itypes, subs, show_if in self._qinfo:
            ans = get(qid)
            s: float | None = None
            if (itypes is not None and itype not in itypes) or (subs is not None and sub_id not in subs):
                status = "not_applicable"
            elif ans is not None and not ans.asked:
                status = "not_asked"  # never shown (core interview, older version): left out, not 0
            elif show_if is not None and not holds(show_if, state):
                status = "hidden"
                s = 0.0 if scored else None
            elif ans is not None and ans.na:
                status = "na"
            elif ans is None or ans.value is None:
                status = "unanswered" if scored else "unscored"
                s = 0.0 if scored else None
            else:
                status = "answered" if scored else "unscored"
                if scored:
                    if score_map is None:
                        s = option_score(q, x, ans.value)  # numbers: by band
                    elif multi:
                        s = min(100.0, sum(score_map.get(v, 0.0) for v in ans.value))
                    else:
                        s = score_map.get(ans.value, 0.0)
            statuses[qid] = status
            values[qid] = (
                ans.value if (ans is not None and (status == "answered" or status == "unscored")) else None
            )
            q_scores[qid] = s
            if s is not None:
                w = q_w[qid]
                if w > 0:
                    acc = sums[dim]
                    acc[0] += w * s
                    acc[1] += w
        decimals = rules.score_decimals
        dim_scores = {
            did: (round(num / den + _EPS, decimals) if den > 0 else None) for did, (num, den) in sums.items()
        }
        active = {did: dim_w[did] for did, s in dim_scores.items() if s is not None and dim_w[did] > 0}
        total_w = sum(active.values())
        raw = sum(active[d] * sums[d][0] / sums[d][1] for d in active) / total_w if total_w else 0.0
        state.score = score = round(raw + _EPS, decimals)
        state.dim_scores = dim_scores
        dim_bands = rules.dimension_bands
        state.dim_levels = {
            did: (_band(dim_bands, s) if s is not None and dim_bands else None)
            for did, s in dim_scores.items()
        }
        band_id = _band(rules.level_bands, score)
        band_rank = self.level_rank[band_id]
        level = self.levels[0]
        next_level = None
        for lv in self.levels[1:]:
            if lv.rank <= band_rank and all(check(state) for check in self.gate_checks.get(lv.id, ())):
                level = lv
                continue
            next_level = lv
            break
        return _Core(
            state,
            itype,
            dim_w,
            q_w,
            sums,
            active,
            total_w,
            band_id,
            level.id,
            next_level.id if next_level else None,
        )

    def _blockers(self, core: _Core, details: dict[str, ConditionResult] | None = None) -> list[Blocker]:
        """What stands between the level reached and the next one: the score gap and each failing gate."""
        if core.next_id is None:
            return []
        rules = self.rules
        score = core.state.score or 0.0
        out: list[Blocker] = []
        need = _min_score(rules.level_bands, core.next_id, self.level_rank)
        if need is not None and score + _EPS < need:
            out.append(
                Blocker.model_construct(
                    kind="score",
                    gate=None,
                    missing=[],
                    text=f"{rules.score_label}需达到 {need:g}（当前 {score:g}，差 {need - score:.{rules.score_decimals}f}）",
                )
            )
        for g in self.gates_by_level.get(core.next_id, ()):
            detail = details[g.id] if details is not None else evaluate(g.when, core.state)
            if not detail.passed:
                out.append(
                    Blocker.model_construct(
                        kind="gate", gate=g.id, text=g.title, missing=failing_leaves(detail)
                    )
                )
        return out

    def summary(self, answers: AnswersFile, normalized: dict[str, Normalized] | None = None) -> Summary:
        """Level, scores, question statuses and the blockers of the next level, without per-question
        results or every gate's explanation: what a batch summary row needs, at a fraction of assess()."""
        if normalized is None:
            normalized = self.normalize(answers)
        return self.summary_of(answers.enterprise, normalized)

    def state_for(self, enterprise: Enterprise, normalized: dict[str, Normalized]) -> State:
        """The condition-evaluation state of these answers (statuses, values, scores), without explanations."""
        return self._core(enterprise, normalized).state

    def contradictions(self, state: State) -> list[AnswerCheck]:
        """The questionnaire's checks whose answers all hold as given: to verify on site. Every question a check
        reads must have been answered (a question that does not apply, or N/A, contradicts nothing)."""
        return [
            c
            for c in self.questionnaire.checks
            if all(
                state.status.get(n.question) == "answered"
                for n in walk(c.when)
                if isinstance(n, QuestionCond)
            )
            and holds(c.when, state)
        ]

    def unanswered_required(self, statuses: Mapping[str, str]) -> list[Question]:
        """Required questions the interview would put to this firm that have no answer: in its sub-sector's
        profile, shown by their condition, asked at its depth. They are scored 0; a batch row with one is
        rejected, a single answers file is scored with a warning that names them."""
        return [x for x in self.questionnaire.questions if x.required and statuses[x.id] == "unanswered"]

    def summary_of(self, enterprise: Enterprise, normalized: dict[str, Normalized]) -> Summary:
        """:meth:`summary` from the profile and already canonical answers (batch rows)."""
        core = self._core(enterprise, normalized)
        st = core.state
        return Summary(
            st.score or 0.0,
            self.level_ref[core.level_id],
            self.level_ref[core.next_id] if core.next_id else None,
            st.dim_scores,
            st.status,
            self._blockers(core),
            st,
        )

    def quick(self, answers: AnswersFile, normalized: dict[str, Normalized] | None = None) -> QuickResult:
        """Score, level and dimension scores only: the fast path for large batches."""
        if normalized is None:
            normalized = self.normalize(answers)
        core = self._core(answers.enterprise, normalized)
        return QuickResult(core.state.score or 0.0, core.level_id, core.state.dim_scores)

    def scored_state(
        self, answers: AnswersFile, normalized: dict[str, Normalized] | None = None
    ) -> tuple[State, str]:
        """The condition-evaluation state and the level id of :meth:`assess`, without building the
        explanations: ``state`` equals ``state_of(assess(answers))`` (statuses, canonical values, question
        and dimension scores, dimension levels, score). For "what if" searches that only compare grades."""
        if normalized is None:
            normalized = self.normalize(answers)
        core = self._core(answers.enterprise, normalized)
        return core.state, core.level_id

    def level_of(self, enterprise: Enterprise, normalized: dict[str, Normalized]) -> LevelStanding:
        """Score, level, next level and whether the next level's gates all pass (not explained): the lean
        question a batch asks of a second scheme (the estimated national grade) for every row."""
        core = self._core(enterprise, normalized)
        st = core.state
        gates_pass = all(check(st) for check in self.gate_checks.get(core.next_id or "", ()))
        return LevelStanding(st.score or 0.0, core.level_id, core.next_id, gates_pass, st)

    def probe_of(
        self, enterprise: Enterprise, normalized: dict[str, Normalized], gates_of: str | None
    ) -> Probe:
        """Score, level and, for the gates of level ``gates_of``, how many conditions still fail.

        For "what if" questions asked many times (recommendation ranking): the answers must already be
        canonical, so no normalisation or explanation is done.
        """
        core = self._core(enterprise, normalized)
        failing = {
            g.id: count_failing_leaves(g.when, core.state)
            for g in self.gates_by_level.get(gates_of or "", ())
        }
        st = core.state
        return Probe(st.score or 0.0, self.level_rank[core.level_id], failing, st.dim_levels, st.dim_scores)

    def assess(self, answers: AnswersFile, normalized: dict[str, Normalized] | None = None) -> Assessment:
        """Score one answers file (already checked against this questionnaire version)."""
        if normalized is None:
            normalized = self.normalize(answers)
        return self.assess_of(answers.enterprise, normalized)

    def assess_of(self, ent: Enterprise, normalized: dict[str, Normalized]) -> Assessment:
        """:meth:`assess` from the profile and already canonical answers."""
        q = self.questionnaire
        rules = self.rules
        core = self._core(ent, normalized)
        state = core.state
        statuses, q_scores, score = state.status, state.q_scores, state.score or 0.0

        gate_results: list[GateResult] = []
        for g in rules.gates:
            res = evaluate(g.when, state)
            gate_results.append(
                GateResult.model_construct(
                    id=g.id, level=g.level, title=g.title, passed=res.passed, explain=g.explain, detail=res
                )
            )

        blockers = self._blockers(
            core, {g.id: r.detail for g, r in zip(rules.gates, gate_results, strict=True)}
        )

        q_results: list[QuestionResult] = []
        answered_n: dict[str, int] = {d.id: 0 for d in q.dimensions}
        total_n: dict[str, int] = dict(answered_n)
        for x in q.questions:
            st = statuses[x.id]
            if (
                st not in ("not_applicable", "hidden", "not_asked") and x.scored
            ):  # as `applicable`: hidden follow-ups and questions never shown not counted
                total_n[x.dimension] += 1
                if st in ("answered", "na"):
                    answered_n[x.dimension] += 1
            ans = normalized.get(x.id)
            s = q_scores[x.id]
            w = core.q_w[x.id] if x.scored else 0.0
            den = core.sums[x.dimension][1]
            share = (
                core.active.get(x.dimension, 0.0) / core.total_w * w / den
                if (core.total_w and den and s is not None)
                else 0.0
            )
            value = state.values[x.id]
            q_results.append(
                QuestionResult.model_construct(
                    id=x.id,
                    dimension=x.dimension,
                    text=x.text,
                    kind=x.kind,
                    status=cast(QuestionStatus, st),
                    answer=value,
                    answer_text=answer_text(q, x, value) if value is not None else "",
                    score=s,
                    weight=w,
                    contribution=round(share * (s or 0.0), 3),
                    max_contribution=round(share * 100, 3),
                    note=ans.note if ans else "",
                    justification=ans.justification if ans else "",
                    evidence=ans.evidence if ans else "",
                )
            )

        dims = [
            DimensionResult.model_construct(
                id=d.id,
                name=d.name,
                kind=d.kind,
                score=state.dim_scores[d.id],
                level=self.level_ref[lv] if (lv := state.dim_levels[d.id]) else None,
                weight=core.dim_w[d.id],
                answered=answered_n[d.id],
                total=total_n[d.id],
            )
            for d in q.dimensions
        ]
        sub = self.sub_sectors.get(ent.sub_sector)
        profile = Profile.model_construct(
            name=ent.name,
            sub_sector=ent.sub_sector,
            sub_sector_name=sub.name if sub else ent.sub_sector,
            industry_type=core.itype or "",
            industry_type_name=INDUSTRY_TYPE_NAMES.get(core.itype or "", ""),
            size=ent.size,
            size_name=self.sizes.get(ent.size or "", ""),
            region=ent.region,
            credit_code=ent.credit_code,
            assessor=ent.assessor,
        )
        scored = [x for x in q.questions if x.scored]
        return Assessment.model_construct(
            schema_version=1,
            questionnaire_id=q.id,
            questionnaire_version=q.version,
            questionnaire_title=q.title,
            rules_id=rules.id,
            rules_version=rules.version,
            scheme_note=q.scheme_note,
            enterprise=profile,
            score=score,
            score_label=rules.score_label,
            level=self.level_ref[core.level_id],
            band_level=self.level_ref[core.band_id],
            next_level=self.level_ref[core.next_id] if core.next_id else None,
            dimensions=dims,
            questions=q_results,
            gates=gate_results,
            blockers=blockers,
            answered=sum(1 for x in scored if statuses[x.id] in ("answered", "na")),
            applicable=sum(
                1 for x in scored if statuses[x.id] not in ("not_applicable", "hidden", "not_asked")
            ),
            not_asked=sum(1 for x in scored if statuses[x.id] == "not_asked"),
        )


class _Core(NamedTuple):
    state: State
    itype: str | None
    dim_w: dict[str, float]
    q_w: dict[str, float]
    sums: dict[str, list[float]]
    active: dict[str, float]
    total_w: float
    band_id: str
    level_id: str
    next_id: str | None


class Probe(NamedTuple):
    score: float
    level_rank: int
    failing: dict[str, int]  # gate id -> unmet conditions (0 = the gate passes)
    dim_levels: dict[str, str | None]
    dim_scores: dict[str, float | None]


class LevelStanding(NamedTuple):
    score: float
    level_id: str
    next_id: str | None
    next_gates_pass: bool
    state: State


class Summary(NamedTuple):
    score: float
    level: LevelRef
    next_level: LevelRef | None
    dimension_scores: dict[str, float | None]
    statuses: dict[str, str]
    blockers: list[Blocker]
    state: State  # what conditions (catalog triggers) are evaluated against


class QuickResult(NamedTuple):
    score: float
    level_id: str
    dimension_scores: dict[str, float | None]


def _band(bands: list[LevelBand], score: float) -> str:
    chosen = bands[0].level
    for b in bands:
        if score + _EPS >= b.min_score:
            chosen = b.level
    return chosen


def _min_score(bands: list[LevelBand], level_id: str, rank: dict[str, int]) -> float | None:
    """Lowest score whose band is at or above ``level_id``."""
    target = rank[level_id]
    for b in bands:
        if rank[b.level] >= target:
            return b.min_score
    return None


def score(questionnaire: Questionnaire, rules: Rules, answers: AnswersFile) -> Assessment:
    """Score one answers file: the pure one-call form of :class:`Scheme`."""
    return Scheme(questionnaire, rules).assess(answers)
