"""The batch shortlist: the first n recommendations, equal to ranking every candidate, with fewer re-scorings."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maturity import api
from maturity.advice import recommend, shortlist
from maturity.batch.synthetic import synthetic_answers
from maturity.load import catalog as catalog_loader
from maturity.models.answers import AnswersFile
from tests.strategies import answer_sets, examples


@pytest.fixture(scope="module")
def bundled():
    scheme = api.scheme("light-industry")
    return scheme, catalog_loader.bundled_catalog(scheme.questionnaire)


def full_ranking(scheme, catalog, answers):
    a = scheme.assess(answers)
    cands, _ = recommend.select(scheme, a, catalog)
    return recommend.rank(scheme, cands, a, recommend.answers_from_assessment(a))


@settings(max_examples=examples(80), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_shortlist_equals_the_full_ranking(bundled, data):
    """Same titles in the same order as the roadmap's ranking (prerequisites, ties and all), for any n."""
    scheme, catalog = bundled
    answers = data.draw(answer_sets(scheme.questionnaire))
    full = full_ranking(scheme, catalog, answers)
    summary = scheme.summary(answers)
    for n in (1, 3, 5):
        assert shortlist.top_titles(scheme, catalog, answers.enterprise, summary, n) == [
            c.solution.title for c in full[:n]
        ]


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_summary_standing_ranks_like_the_assessment(bundled, data):
    """Ranking from the engine's Summary (batch) gives the same candidates and impacts as from an Assessment."""
    scheme, catalog = bundled
    answers = data.draw(answer_sets(scheme.questionnaire))
    full = full_ranking(scheme, catalog, answers)
    summary = scheme.summary(answers)
    st_ = recommend.standing_of_summary(scheme, answers.enterprise, summary)
    cands, _ = recommend.select(scheme, st_, catalog, reasons=False)
    light = recommend.rank(scheme, cands, st_, recommend.canonical_answers(summary.state))
    assert [(c.solution.id, c.impact) for c in light] == [(c.solution.id, c.impact) for c in full]


def test_most_candidates_are_never_rescored(bundled, monkeypatch):
    """The bounds do their job: across varied enterprises, well under half the candidates are re-scored."""
    scheme, catalog = bundled
    probes = []
    real = shortlist.impact
    monkeypatch.setattr(shortlist, "impact", lambda *a: probes.append(1) or real(*a))
    candidates = 0
    for doc in synthetic_answers(scheme.questionnaire, 40, seed=5):
        answers = AnswersFile.model_validate(doc)
        summary = scheme.summary(answers)
        st_ = recommend.standing_of_summary(scheme, answers.enterprise, summary)
        candidates += len(recommend.select(scheme, st_, catalog, reasons=False)[0])
        shortlist.top_titles(scheme, catalog, answers.enterprise, summary)
    assert candidates > 200
    assert len(probes) < 0.5 * candidates
