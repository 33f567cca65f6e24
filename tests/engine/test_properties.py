"""Property tests over the bundled questionnaires: determinism, bounds, monotonicity."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maturity import api
from maturity.models.answers import Answer
from tests.strategies import answer_sets, examples, improvements

SCHEMES = ["light-industry", "miit-2024"]
SETTINGS = settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("qid", SCHEMES)
def test_deterministic_and_bounded(qid):
    sch = api.scheme(qid)

    @SETTINGS
    @given(answer_sets(sch.questionnaire))
    def check(a):
        first = sch.assess(a)
        second = sch.assess(a)
        assert first.model_dump() == second.model_dump()
        assert 0 <= first.score <= 100
        for d in first.dimensions:
            assert d.score is None or 0 <= d.score <= 100
        assert first.level.rank <= first.band_level.rank
        ranks = [lv.rank for lv in sch.levels]
        assert min(ranks) <= first.level.rank <= max(ranks)

    check()


@pytest.mark.parametrize("qid", SCHEMES)
def test_improving_any_answer_never_lowers_any_score_or_the_level(qid):
    sch = api.scheme(qid)
    q = sch.questionnaire

    @SETTINGS
    @given(answer_sets(q), st.data())
    def check(a, data):
        before = sch.assess(a)
        x = data.draw(st.sampled_from([x for x in q.questions if x.scored]))
        current = a.answers.get(x.id)
        if current is not None and current.na:
            return
        cur_value = sch.normalize(a).get(x.id).value if current is not None else None
        better = improvements(q, x, cur_value)
        if not better:
            return
        new_value = data.draw(st.sampled_from(better))
        improved = a.model_copy(update={"answers": {**a.answers, x.id: Answer(value=new_value)}})
        after = sch.assess(improved)
        assert after.score >= before.score, (x.id, cur_value, new_value)
        assert after.level.rank >= before.level.rank, (x.id, cur_value, new_value)
        for d0, d1 in zip(before.dimensions, after.dimensions, strict=True):
            if d0.score is not None:
                assert d1.score is not None and d1.score >= d0.score, (d0.id, x.id, cur_value, new_value)

    check()


@pytest.mark.parametrize("qid", SCHEMES)
def test_every_level_is_reachable_and_best_answers_reach_the_top(qid):
    """The all-best answer set reaches the top level; the all-worst one stays at the floor."""
    sch = api.scheme(qid)
    q = sch.questionnaire
    best, worst = {}, {}
    for x in q.questions:
        opts = q.options_of(x)
        if x.kind in ("single", "yesno"):
            best[x.id], worst[x.id] = opts[-1].value, opts[0].value
        elif x.kind == "multi":
            best[x.id] = [o.value for o in opts if not o.exclusive]
            worst[x.id] = [o.value for o in opts if o.exclusive] or [opts[0].value]
        elif x.kind == "number":
            best[x.id] = x.max if x.max is not None else x.bands[-1].max
            worst[x.id] = x.min if x.min is not None else 0
    from maturity.models.answers import AnswersFile

    def make(values):
        return AnswersFile.model_validate(
            {
                "questionnaire": q.id,
                "questionnaire_version": q.version,
                "enterprise": {"name": "测试", "sub_sector": q.sub_sectors[0].id},
                "answers": values,
            }
        )

    top = sch.assess(make(best))
    assert top.level.id == sch.levels[-1].id
    assert top.next_level is None and top.blockers == []
    bottom = sch.assess(make(worst))
    assert bottom.level.id == sch.levels[0].id


@pytest.mark.parametrize("qid", SCHEMES)
def test_light_paths_agree_with_the_full_assessment(qid):
    """summary() and quick() (batch fast paths) give exactly what assess() gives."""
    sch = api.scheme(qid)

    @SETTINGS
    @given(answer_sets(sch.questionnaire))
    def check(a):
        full = sch.assess(a)
        summary = sch.summary(a)
        quick = sch.quick(a)
        assert (summary.score, summary.level, summary.next_level) == (full.score, full.level, full.next_level)
        assert summary.blockers == full.blockers
        assert summary.statuses == {x.id: x.status for x in full.questions}
        assert summary.dimension_scores == {d.id: d.score for d in full.dimensions}
        assert (quick.score, quick.level_id) == (full.score, full.level.id)

    check()


@pytest.mark.parametrize("qid", SCHEMES)
def test_compiled_gate_checks_agree_with_the_condition_evaluator(qid):
    """The level climb uses compiled gate checks; each must have exactly the truth value of `holds`."""
    from maturity.engine.conditions import holds

    sch = api.scheme(qid)

    @SETTINGS
    @given(answer_sets(sch.questionnaire))
    def check(a):
        state = sch.summary(a).state
        for level, gates in sch.gates_by_level.items():
            for g, compiled in zip(gates, sch.gate_checks[level], strict=True):
                assert compiled(state) == holds(g.when, state), g.id

    check()
