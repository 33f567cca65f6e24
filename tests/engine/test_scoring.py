"""The engine on a tiny questionnaire whose arithmetic can be checked by hand."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from maturity import api
from maturity.engine.scoring import Scheme
from maturity.errors import DataValidationError
from maturity.load import loader
from maturity.models.answers import AnswersFile

FIX = Path(__file__).parent.parent / "fixtures"


@pytest.fixture(scope="module")
def mini() -> Scheme:
    q = loader.load_questionnaire(FIX / "mini.yaml")
    return Scheme(q, loader.load_rules(FIX / "mini.rules.yaml", q))


def answers(sub_sector: str = "furniture", **values) -> AnswersFile:
    return AnswersFile.model_validate(
        {
            "questionnaire": "mini",
            "questionnaire_version": "1.0.0",
            "enterprise": {"name": "测试企业", "sub_sector": sub_sector},
            "answers": {k.replace("_", "-"): v for k, v in values.items()},
        }
    )


def test_dimension_is_weighted_mean_and_overall_is_weighted_by_dimension(mini):
    # a: A-01 z=100, A-02 yes=100, A-03 30% -> band 50 => (100+100+50)/3
    # b: B-01 [p] 60, B-02 y 50 => 55 ; f: F-01 x 0 (F-02 not applicable to furniture)
    r = mini.assess(answers(A_01="z", A_02=True, A_03=30, B_01=["p"], B_02="y", F_01="x"))
    dims = {d.id: d.score for d in r.dimensions}
    a = (100 + 100 + 50) / 3
    assert dims["a"] == pytest.approx(round(a, 1))
    assert dims["b"] == 55
    assert dims["f"] == 0
    assert r.score == pytest.approx(round((2 * a + 55 + 0) / 4, 1))


def test_multi_choice_sums_and_caps_at_100(mini):
    r = mini.assess(answers(A_01="x", B_01="p、q", B_02="z", F_01="x"))
    b01 = next(x for x in r.questions if x.id == "B-01")
    assert b01.answer == ["p", "q"]
    assert b01.score == 100


def test_hidden_follow_up_scores_zero_but_counts(mini):
    # A-02 = no hides A-03, which still weighs in the dimension as 0.
    r = mini.assess(answers(A_01="z", A_02="no", B_01=["none"], B_02="x", F_01="x"))
    a03 = next(x for x in r.questions if x.id == "A-03")
    assert a03.status == "hidden" and a03.score == 0
    assert r.dimension("a").score == pytest.approx(round(100 / 3, 1))


def test_na_leaves_the_denominator_and_needs_justification(mini):
    r = mini.assess(
        answers(A_01="z", A_02="no", B_01=["p"], B_02={"na": True, "justification": "无外协"}, F_01="x")
    )
    assert r.dimension("b").score == 60
    with pytest.raises(DataValidationError) as e:
        mini.assess(answers(A_01="z", B_02={"na": True}))
    assert "理由" in e.value.issues[0].message


def test_industry_type_decides_applicability(mini):
    furniture = mini.assess(answers(F_01="z"))
    paper = mini.assess(answers("paper", F_01="z"))
    assert next(x for x in furniture.questions if x.id == "F-02").status == "not_applicable"
    assert next(x for x in paper.questions if x.id == "F-02").status == "unanswered"
    assert furniture.dimension("f").score == 100
    assert paper.dimension("f").score == 50


def test_gate_holds_level_below_band_and_names_blocker(mini):
    # Score high enough for L3 by band, but dimension b is weak -> stays L2, blocker is gate g3.
    r = mini.assess(answers(A_01="z", A_02="yes", A_03=90, B_01=["p"], B_02="y", F_01="z"))
    assert r.band_level.id == "L3"
    assert r.level.id == "L2"
    assert r.next_level.id == "L3"
    gate = next(b for b in r.blockers if b.kind == "gate")
    assert gate.gate == "g3"
    assert any("乙场景" in m for m in gate.missing)


def test_lower_gate_stops_the_climb(mini):
    r = mini.assess(answers(A_01="x", A_02="yes", A_03=90, B_01=["p", "q"], B_02="z", F_01="z"))
    assert r.band_level.rank >= 2
    assert r.level.id == "L1"
    assert [b.gate for b in r.blockers if b.kind == "gate"] == ["g2"]


def test_score_blocker_states_the_gap(mini):
    r = mini.assess(answers(A_01="y"))
    assert r.level.id == "L1"
    score_blocker = next(b for b in r.blockers if b.kind == "score")
    assert "30" in score_blocker.text


def test_contributions_add_up_to_the_score(mini):
    r = mini.assess(answers(A_01="z", A_02=True, A_03=30, B_01=["p"], B_02="y", F_01="y"))
    assert sum(x.contribution for x in r.questions) == pytest.approx(r.score, abs=0.05)
    assert sum(x.max_contribution for x in r.questions) == pytest.approx(100, abs=0.05)


@pytest.mark.parametrize(("raw", "expected"), [("８０％", 80.0), (" 35 % ", 35.0), ("12.5", 12.5), (7, 7.0)])
def test_numbers_accept_what_people_type(mini, raw, expected):
    r = mini.assess(answers(A_02="yes", A_03=raw))
    assert next(x for x in r.questions if x.id == "A-03").answer == expected


@pytest.mark.parametrize(
    ("field", "raw", "fragment"),
    [
        ("A-03", 120, "不大于 100"),
        ("A-01", "w", "不是本题的选项"),
        ("B-01", ["none", "p"], "不能与其他选项同时选择"),
        ("A-02", "maybe", "是/否"),
    ],
)
def test_bad_answers_are_explained(mini, field, raw, fragment):
    with pytest.raises(DataValidationError) as e:
        mini.assess(answers(**{field.replace("-", "_"): raw}))
    assert fragment in e.value.issues[0].message


def test_option_labels_are_accepted_as_answers(mini):
    r = mini.assess(answers(A_01="全面"))
    assert next(x for x in r.questions if x.id == "A-01").answer == "z"


@pytest.mark.slow
def test_gate_texts_name_questions_by_their_short_label_never_a_cut_off_question(tmp_path):
    """A gate counting questions ("至少 3 项达到…") names each by its short label, not by the question's first
    dozen characters cut off mid-phrase ("产品设计目前主要怎样完…")."""
    from maturity import pipeline
    from maturity.batch.synthetic import synthetic_answers
    from maturity.models.answers import AnswersFile

    q = api.scheme("light-industry").questionnaire
    texts = []
    for doc in synthetic_answers(q, 25, seed=3):
        ev = pipeline.evaluate_answers(AnswersFile.model_validate(doc))
        texts += [ev.assessment.model_dump_json(), repr(ev.next_steps)]
    cut = {m.group(0) for t in texts for m in re.finditer(r"[^，。；“”、\"]{0,14}…（[A-Z]+-\d+）", t)}
    assert not cut, sorted(cut)[:10]
    assert any("（RD-01）" in t or "（DB-08）" in t for t in texts)  # the gates were seen at all


@pytest.mark.parametrize("qid", ["light-industry", "miit-2024"])
def test_every_scored_question_has_a_short_label_that_can_stand_in_a_list(qid):
    """Gate texts list questions by short label joined with "、" and the owner's report counts them by that
    separator ("…等16项"): a label without one, or containing one, miscounts (a cut-off question text once
    made 16 questions read as 33)."""
    q = api.scheme(qid).questionnaire
    for x in q.questions:
        if x.scored:
            assert x.short and not re.search(r"[、，,；;]", x.short), (x.id, x.short)


def test_count_conditions_say_how_many_are_needed_and_how_many_there_are():
    """ "达到 L5 及以上的典型场景至少 5 个，目前 4 个", not "典型场景中…的数量 ≥ 5；当前 4 个"; every count condition
    of every gate on the bundled examples reads that way, with the figures the engine counted."""
    import re

    from maturity import api
    from maturity.resources import data_dir

    seen = 0
    for path in sorted(data_dir("examples").glob("*-example.yaml")):
        a = api.assess_file(path)
        for g in a.gates:
            for leaf in (c for r in (g.detail,) for c in _leaves(r)):
                m = re.search(r"的(\S+?)至少 (\d+) ([个项])，目前 (\d+) \3", leaf.text)
                if "至少" in leaf.text and "目前" in leaf.text:
                    assert m, leaf.text
                    seen += 1
                    assert leaf.passed == (int(m[4]) >= int(m[2])), leaf.text
                assert "的数量 ≥" not in leaf.text and "该题满分的" not in leaf.text, leaf.text
    assert seen >= 8


def _leaves(r):
    if r is None:
        return
    if not r.children:
        yield r
    for c in r.children:
        yield from _leaves(c)
