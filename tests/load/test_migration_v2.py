"""Answers files of questionnaire 1.0.0 and 1.1.0 (the old bundled examples) still score under 2.0.0."""

from __future__ import annotations

from pathlib import Path

import pytest

from maturity import api
from maturity.load import bundled

V1 = Path(__file__).parent.parent / "fixtures" / "v1"
OLD = sorted(p.name for p in V1.glob("*.yaml"))


def test_the_bundled_questionnaire_declares_both_migrations():
    q = bundled.bundled_questionnaire("light-industry")
    assert q.version == "2.0.0"
    assert {m.from_version for m in q.migrations} == {"1.0.0", "1.1.0"}


@pytest.mark.parametrize("name", OLD)
def test_old_answers_file_migrates_scores_and_says_what_was_not_asked(name):
    la = api.load_answers(V1 / name)
    assert la.answers.questionnaire_version == "2.0.0"
    note = next(w for w in la.warnings if w.field == "questionnaire_version")
    assert note.severity == "warning"
    old_version = name.removesuffix(".yaml").rsplit("-", 1)[1]
    assert f"按 {old_version} 版问卷填写" in note.message
    for qid in ("AI-01", "AI-07"):  # the AI-and-data block was never asked
        assert qid in note.message
    family = "FN-01" if name.startswith("furniture") else "PP-01"
    assert family in note.message  # nor the firm's sub-sector module
    a = api.assess(la)
    assert a.level.label in {lv.label for lv in la.scheme.questionnaire.levels}
    assert 0 <= a.score <= 100


@pytest.mark.parametrize("family", ["furniture", "paper"])
def test_old_and_new_versions_of_an_example_agree_on_what_both_asked(family):
    """Migration adds nothing: 1.0.0 and 1.1.0 files of one firm score the same (only the unscored priorities differ)."""
    a0 = api.assess(api.load_answers(V1 / f"{family}-1.0.0.yaml"))
    a1 = api.assess(api.load_answers(V1 / f"{family}-1.1.0.yaml"))
    assert a0.score == a1.score and a0.level.label == a1.level.label


@pytest.mark.parametrize("name", OLD)
def test_questions_an_old_file_was_never_asked_are_left_out_not_scored_zero(name):
    """The 2.0.0 additions are "not asked": no score, no weight; the AI dimension has no score at all."""
    la = api.load_answers(V1 / name)
    assert la.answers.migrated_from == name.removesuffix(".yaml").rsplit("-", 1)[1]
    a = api.assess(la)
    by_id = {x.id: x for x in a.questions}
    for qid in ("AI-01", "AI-07", "GS-08", "DB-14"):
        assert by_id[qid].status == "not_asked" and by_id[qid].score is None
    assert a.dimension("ai").score is None
    assert a.not_asked > 0
    note = next(w for w in la.warnings if w.field == "questionnaire_version")
    assert "记为“未问”，不计分" in note.message
